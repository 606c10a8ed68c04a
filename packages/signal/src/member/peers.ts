/**
 * The other members of the bus as this member hears them: what each said in
 * its last registry, and when it was last heard. The only writer of that
 * state; a member unheard for the silence window is reported once.
 *
 * @internal
 */
import type { OwnerSignals, RegistryMessage } from "./protocol.js";

/** Another member, as its registry messages describe it. @internal */
export interface Peer {
  readonly id: string;
  /** 2 for a Sunflare member; 1 for a peer that sends no version. */
  version: number;
  /** The owners it registered, with their signal names. */
  owners: OwnerSignals;
  /** The remote signals it listens to; `undefined`: it does not say, so it gets every emission. */
  listens: OwnerSignals | undefined;
  /** For each of its signals, the members it publishes for; `undefined`: it publishes whenever it emits. */
  feeds: Record<string, Record<string, string[]>> | undefined;
  /** The slots of its owners others may call. */
  slots: OwnerSignals | undefined;
  /** The properties of its owners. */
  properties: OwnerSignals | undefined;
  /** The values of its properties, by owner, as its values messages said. */
  values: Record<string, Record<string, unknown>>;
  /** Its commitment to its leave secret, the first one heard (`undefined`: none, a version-1 peer). */
  leave: string | undefined;
  /** Whether it said it is the bus's host. */
  host: boolean;
  /** Whether a registry of it arrived (a hello alone says only that it exists). */
  described: boolean;
  lastHeard: number;
}

/** Whether `peer` wants the emissions of `owner.signal` (a peer that does not say gets them all). @internal */
export function listensTo(peer: Peer, owner: string, signal: string): boolean {
  return peer.listens === undefined || peer.listens[owner]?.includes(signal) === true;
}

/** Whether the values of every property of `owner` that `peer` listed have arrived. @internal */
export function hasValues(peer: Peer, owner: string): boolean {
  const values = peer.values[owner];
  return (peer.properties?.[owner] ?? []).every((name) => values !== undefined && name in values);
}

/** What {@link Peers} reports. @internal */
export interface PeerEvents {
  /** `peer` was heard for the first time. */
  joined(peer: Peer): void;
  /** `peer` was unheard for the silence window. */
  silent(peer: Peer): void;
}

/** @internal */
export class Peers {
  readonly #peers = new Map<string, Peer>();
  readonly #silentMs: number;
  readonly #events: PeerEvents;
  #sweep: ReturnType<typeof setTimeout> | undefined;

  constructor(silentMs: number, events: PeerEvents) {
    this.#silentMs = silentMs;
    this.#events = events;
  }

  get(id: string): Peer | undefined {
    return this.#peers.get(id);
  }

  all(): IterableIterator<Peer> {
    return this.#peers.values();
  }

  /** The record of `id`, made when first heard; its silence deadline moves on. */
  heard(id: string, version = 1): Peer {
    let peer = this.#peers.get(id);
    const now = Date.now();
    if (peer === undefined) {
      peer = {
        id,
        version,
        owners: {},
        listens: {},
        feeds: undefined,
        slots: undefined,
        properties: undefined,
        values: Object.create(null) as Peer["values"],
        leave: undefined,
        host: false,
        described: false,
        lastHeard: now,
      };
      this.#peers.set(id, peer);
      this.#events.joined(peer);
      if (this.#sweep === undefined) this.#schedule();
    }
    peer.lastHeard = now;
    return peer;
  }

  /** `id` was heard from (a call, its answer), if it is known: its silence deadline moves on. */
  touch(id: string): void {
    const peer = this.#peers.get(id);
    if (peer !== undefined) peer.lastHeard = Date.now();
  }

  /** Takes in `message`, the registry of a member other than this one. */
  described(message: RegistryMessage): Peer {
    const peer = this.heard(message.member, message.version);
    peer.version = message.version ?? 1;
    peer.owners = message.owners;
    peer.listens = message.listens;
    peer.feeds = message.feeds;
    peer.slots = message.slots;
    peer.properties = message.properties;
    peer.host ||= message.host === true;
    // First heard wins: a forged registry cannot replace the commitment a leaving is checked against.
    peer.leave ??= message.leave;
    peer.described = true;
    return peer;
  }

  /** Takes in the values `id` sent of its properties. */
  valued(id: string, values: Record<string, Record<string, unknown>>): Peer {
    const peer = this.heard(id);
    // Loops without arrays: a property's change takes this path on every member.
    for (const owner in values) {
      const known = (peer.values[owner] ??= Object.create(null) as Record<string, unknown>);
      const changed = values[owner]!;
      for (const name in changed) known[name] = changed[name];
    }
    return peer;
  }

  /** Forgets `id`; returns its record, or `undefined` if it was not known. */
  remove(id: string): Peer | undefined {
    const peer = this.#peers.get(id);
    this.#peers.delete(id);
    return peer;
  }

  /** Stops watching for silence and forgets everyone. */
  clear(): void {
    clearTimeout(this.#sweep);
    this.#sweep = undefined;
    this.#peers.clear();
  }

  #schedule(): void {
    clearTimeout(this.#sweep);
    this.#sweep = undefined;
    if (this.#peers.size === 0) return;
    let earliest = Infinity;
    for (const peer of this.#peers.values()) earliest = Math.min(earliest, peer.lastHeard);
    const wait = Math.max(0, earliest + this.#silentMs - Date.now());
    this.#sweep = unref(setTimeout(this.#onSweep, wait + 1));
  }

  readonly #onSweep = (): void => {
    this.#sweep = undefined;
    const now = Date.now();
    for (const peer of [...this.#peers.values()]) {
      if (now - peer.lastHeard >= this.#silentMs && this.#peers.get(peer.id) === peer) {
        this.#peers.delete(peer.id);
        this.#events.silent(peer);
      }
    }
    this.#schedule();
  };
}

/** Lets a Node timer not keep the process alive; browsers' timers are numbers and need nothing. @internal */
export function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
