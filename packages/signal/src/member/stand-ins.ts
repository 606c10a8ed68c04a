/**
 * The owners other members registered, as stand-ins in this member's
 * registry: the only writer of them. A stand-in's signals subscribe to
 * their owner's emissions while somebody here listens, and publish what is
 * emitted on them to the owner and every listener.
 *
 * @internal
 */
import { emissionTopic } from "@sunflare/wire";
import type { RemoteCall } from "../hooks.js";
import { callHook, relayHook } from "../hooks.js";
import type { Calls } from "./calls.js";
import type { MemberContext } from "./context.js";
import type { Feeds } from "./feeds.js";
import type { Peer } from "./peers.js";
import { hasValues, listensTo } from "./peers.js";
import type { OwnerSignals } from "./protocol.js";
import { fromSender } from "./protocol.js";
import type { StandInHost } from "./stand-in-signal.js";
import { StandInSignal } from "./stand-in-signal.js";
import { StandInProperty } from "./stand-in-property.js";

interface StandIn {
  readonly owner: string;
  readonly member: string;
  /** What is registered: the signals and properties as fields, and the hook calls go through. */
  readonly object: object;
  readonly signals: Readonly<Record<string, StandInSignal>>;
  readonly properties: Readonly<Record<string, StandInProperty>>;
  /** Its signals, slots and properties, to tell when they changed. */
  readonly shape: string;
}

/** @internal */
export class StandIns implements StandInHost {
  readonly #context: MemberContext;
  readonly #feeds: Feeds;
  readonly #byOwner = new Map<string, StandIn>();
  /** The stand-ins of each member: withdrawing one costs its owners, not every member's. */
  readonly #byMember = new Map<string, Map<string, StandIn>>();
  readonly #objects = new WeakSet<object>();
  /** Stand-in signals somebody here listens to. */
  readonly #listening = new Set<StandInSignal>();
  readonly #warned = new Set<string>();
  #closed = false;

  readonly #calls: Calls;

  constructor(context: MemberContext, feeds: Feeds, calls: Calls) {
    this.#context = context;
    this.#feeds = feeds;
    this.#calls = calls;
  }

  /** Whether `object` is one of the stand-ins (the registry's events name it). */
  isStandIn(object: object): boolean {
    return this.#objects.has(object);
  }

  has(owner: string): boolean {
    return this.#byOwner.has(owner);
  }

  /** The stand-in signal `owner.signal`, if `owner` is another member's. */
  get(owner: string, signal: string): StandInSignal | undefined {
    return this.#byOwner.get(owner)?.signals[signal];
  }

  /** The owners `member` registered, as stand-ins here. */
  ownersOf(member: string): string[] {
    return [...(this.#byMember.get(member)?.keys() ?? [])];
  }

  /** What this member listens to, for its registry. */
  listens(): OwnerSignals {
    const listens: OwnerSignals = {};
    for (const signal of this.#listening)
      (listens[signal.ownerName] ??= []).push(signal.signalName);
    return listens;
  }

  /** Whether every owner `peer`'s registry lists stands here (none waits for its values). */
  complete(peer: Peer): boolean {
    return Object.keys(peer.owners).every((owner) => hasValues(peer, owner));
  }

  /** The values of `peer`'s properties changed (they are in `peer.values` now): stand-ins follow. */
  valuesChanged(peer: Peer, values: Record<string, Record<string, unknown>>): void {
    for (const owner in values) {
      const standIn = this.#byOwner.get(owner);
      if (standIn?.member !== peer.id) continue;
      const changed = values[owner]!;
      for (const name in changed)
        if (Object.hasOwn(standIn.properties, name))
          standIn.properties[name]!.receive(changed[name]);
    }
    // Owners whose values were missing may be complete now.
    for (const owner in peer.owners) {
      if (this.#byOwner.has(owner)) continue;
      this.sync(peer);
      return;
    }
  }

  /**
   * Brings the stand-ins of `peer` in line with its registry, and their
   * liveness with its feeds. An owner with properties is registered here
   * once their values arrived: whoever sees it (`has`) sees them.
   */
  sync(peer: Peer): void {
    for (const [owner, names] of Object.entries(peer.owners)) {
      const standIn = this.#byOwner.get(owner);
      if (standIn !== undefined && standIn.member !== peer.id) {
        this.#warnOnce(
          `${peer.id}/${owner}`,
          `Class ${owner} is registered by member ${standIn.member} already; member ${peer.id}'s is ignored.`,
        );
        continue;
      }
      if (standIn === undefined && this.#feeds.has(owner)) {
        this.#warnOnce(
          `${peer.id}/${owner}`,
          `Class ${owner} is registered here already; member ${peer.id}'s is ignored.`,
        );
        continue;
      }
      const slots = peer.slots?.[owner] ?? [];
      const properties = peer.properties?.[owner] ?? [];
      const shape = JSON.stringify([names, slots, properties]);
      if (standIn !== undefined) {
        if (standIn.shape === shape) continue;
        // Its signals changed: re-register, and connections follow the new set.
        this.#withdraw(standIn);
      }
      if (hasValues(peer, owner)) this.#add(peer, owner, { names, slots, properties, shape });
    }
    for (const standIn of [...(this.#byMember.get(peer.id)?.values() ?? [])]) {
      if (!Object.hasOwn(peer.owners, standIn.owner)) this.#withdraw(standIn);
    }
    for (const signal of this.#listening) {
      if (this.#byOwner.get(signal.ownerName)?.member === peer.id)
        signal.setFed(isFed(peer, signal, this.#context.id));
    }
  }

  /** Withdraws every stand-in of `member` (it left or is gone). */
  withdrawMember(member: string): void {
    for (const standIn of [...(this.#byMember.get(member)?.values() ?? [])])
      this.#withdraw(standIn);
  }

  /** Withdraws every stand-in: the member closes. */
  close(): void {
    this.#closed = true;
    for (const standIn of [...this.#byOwner.values()]) this.#withdraw(standIn);
  }

  /** A local owner replaced the stand-in `object` in the registry (the registry warned). */
  replaced(owner: string, object: object): void {
    const standIn = this.#byOwner.get(owner);
    if (standIn?.object === object) this.#drop(standIn);
  }

  listening(signal: StandInSignal, listening: boolean): void {
    if (this.#closed || this.get(signal.ownerName, signal.signalName) !== signal) return;
    const { logger, id, outbox } = this.#context;
    logger.debug(
      `Member ${id}: ${listening ? "listens to" : "stops listening to"} ${signal.ownerName}.${signal.signalName}.`,
    );
    if (listening) {
      if (this.#listening.has(signal)) return;
      this.#listening.add(signal);
      const peer = this.#context.peers.get(this.#byOwner.get(signal.ownerName)!.member);
      signal.setFed(peer !== undefined && isFed(peer, signal, id));
      outbox.subscribeLater(signal.prefix, () => signal.setSubscribed(true));
    } else {
      if (!this.#listening.delete(signal)) return;
      signal.setSubscribed(false);
      outbox.unsubscribe(signal.prefix);
    }
    this.#context.announce();
  }

  #add(
    peer: Peer,
    owner: string,
    parts: { names: string[]; slots: string[]; properties: string[]; shape: string },
  ): void {
    this.#context.logger.debug(
      `Member ${this.#context.id}: ${owner} of member ${peer.id} is known here now.`,
    );
    const signals: Record<string, StandInSignal> = {};
    for (const name of parts.names) {
      const topic = emissionTopic(owner, name);
      const signal = new StandInSignal(owner, name, topic, peer.version < 2, this);
      signal[relayHook]((args) => this.#publish(signal, args));
      signals[name] = signal;
    }
    const properties: Record<string, StandInProperty> = {};
    for (const name of parts.properties) {
      properties[name] = new StandInProperty(peer.values[owner]![name], (value) =>
        this.#calls.set(peer.id, owner, name, value),
      );
    }
    const call: RemoteCall = (slot, args, options) =>
      this.#calls.call(peer.id, owner, slot, args, options);
    const object = { ...signals, ...properties, [callHook]: call };
    const standIn: StandIn = {
      owner,
      member: peer.id,
      object,
      signals,
      properties,
      shape: parts.shape,
    };
    this.#byOwner.set(owner, standIn);
    let mine = this.#byMember.get(peer.id);
    if (mine === undefined) this.#byMember.set(peer.id, (mine = new Map<string, StandIn>()));
    mine.set(owner, standIn);
    this.#objects.add(object);
    this.#context.registry.registerSignals(object, { name: owner, slots: parts.slots });
  }

  /** Removes a stand-in from the registry; connections to it wait for the owner to come back. */
  #withdraw(standIn: StandIn): void {
    this.#context.logger.debug(
      `Member ${this.#context.id}: ${standIn.owner} of member ${standIn.member} is withdrawn.`,
    );
    this.#drop(standIn);
    // By object: removes it only while it is still what the name stands for.
    this.#context.registry.unregister(standIn.object, { reconnect: true });
  }

  /** Forgets a stand-in and stops listening for it. */
  #drop(standIn: StandIn): void {
    if (this.#byOwner.get(standIn.owner) !== standIn) return;
    this.#byOwner.delete(standIn.owner);
    const mine = this.#byMember.get(standIn.member);
    mine?.delete(standIn.owner);
    if (mine?.size === 0) this.#byMember.delete(standIn.member);
    for (const signal of Object.values(standIn.signals)) {
      signal[relayHook](undefined);
      if (this.#listening.delete(signal)) this.#context.outbox.unsubscribe(signal.prefix);
    }
    this.#context.announce();
  }

  /**
   * An emission made here on a stand-in: to its owner and every listener,
   * once in each form they read. A version-1 owner reads the two-frame form
   * only (and its listeners subscribe to that); otherwise the version-2 form,
   * and the version-1 one besides while a version-1 peer may listen.
   */
  #publish(signal: StandInSignal, args: unknown[]): void {
    const { codec, link, outbox, peers, id } = this.#context;
    const body = codec.encode(args);
    if (!signal.v1Owner) link.send(fromSender(signal.topic, id), body).catch(outbox.report);
    let v1 = signal.v1Owner;
    for (const peer of peers.all()) {
      if (v1) break;
      v1 = peer.version < 2 && listensTo(peer, signal.ownerName, signal.signalName);
    }
    if (v1) link.send(signal.topic, body).catch(outbox.report);
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#context.logger.warn(message);
  }
}

/** Whether `peer`, the owner of `signal`, publishes its emissions for member `id`. */
function isFed(peer: Peer, signal: StandInSignal, id: string): boolean {
  if (!peer.described) return false;
  // A peer that does not send `feeds` publishes whenever it emits.
  return (
    peer.feeds === undefined ||
    peer.feeds[signal.ownerName]?.[signal.signalName]?.includes(id) === true
  );
}
