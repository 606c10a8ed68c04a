/**
 * A bus member: one {@link SignalRegistry} made part of a bus that spans
 * threads, processes, machines and browser pages. It speaks wire protocol
 * version 1 (see docs/wire-protocol.md) over a {@link BusLink}, so it runs
 * wherever the link does: `@sunflare/virtual` gives it ZeroMQ, a browser
 * page a WebSocket.
 */
import { EventEmitter } from "eventemitter3";
import type { Logger } from "../logger.js";
import { defaultLogger } from "../logger.js";
import type { SignalRegistry } from "../registry.js";
import type { AnySignal } from "../signal.js";
import { internals, Signal } from "../signal.js";
import { Echoes } from "./echoes.js";
import type { BusLink, WireCodec } from "./link.js";
import type { OwnerSignals, RegistryMessage } from "./protocol.js";
import {
  emissionTopic,
  HELLO_TOPIC,
  parseEmissionTopic,
  readHello,
  readRegistry,
  REGISTRY_TOPIC,
  SIGNAL_PREFIX,
} from "./protocol.js";

/** Options of a {@link BusMember}. */
export interface BusMemberOptions {
  /** The registry this member shares with the bus. */
  registry: SignalRegistry;
  /** The transport. */
  link: BusLink;
  /** Encodes emission arguments and protocol maps. */
  codec: WireCodec;
  /** This member's id, unique on the bus (default: a random UUID). */
  member?: string;
  /**
   * `true`: this member is the bus's host. A string: the host's member id;
   * {@link BusMember.start} then waits to hear from it, and this member
   * closes when the host is gone. Default: neither.
   */
  host?: true | string;
  /** Milliseconds between heartbeats (default 1000). */
  heartbeatMs?: number;
  /** Heartbeats a member may miss before it counts as gone (default 3). */
  missedHeartbeats?: number;
  /**
   * With `host` set to the host's id: milliseconds {@link BusMember.start}
   * waits for the host's answer before it gives up (default 10,000). Longer
   * than a heartbeat's silence: joining includes connecting and, in a new
   * thread or process, the first turns of a busy machine.
   */
  joinTimeoutMs?: number;
  /** Where problems are reported (default: console, warnings and errors). */
  logger?: Logger;
}

/** A member of a bus, as {@link BusMember.members} lists it. */
export interface MemberInfo {
  /** Its id. */
  readonly member: string;
  /** The registry names of the owners it registered. */
  readonly owners: string[];
  /** Whether it is this member. */
  readonly here: boolean;
}

/** Events of a {@link BusMember}. */
export interface BusMemberEvents {
  /** Another member was heard for the first time. */
  joined: [info: MemberInfo];
  /**
   * Another member left: it said so (`"left"`), was unheard for too long
   * (`"silent"`), or its supervisor saw it exit (`"exited"`, {@link BusMember.forget}).
   */
  left: [info: MemberInfo, reason: "left" | "silent" | "exited"];
  /** This member closed: by {@link BusMember.close}, or because the host is gone (`reason` says so). */
  closed: [reason: string | undefined];
}

interface Remote {
  readonly member: string;
  owners: OwnerSignals;
  /** `undefined`: a peer that does not say what it listens to, so it gets every emission. */
  listens: OwnerSignals | undefined;
  host: boolean;
  lastHeard: number;
}

interface StandIn {
  readonly owner: string;
  readonly member: string;
  readonly object: Record<string, AnySignal>;
}

/** A stand-in signal with local slots: this member wants its owner's emissions. */
interface Listening {
  readonly owner: string;
  readonly signal: string;
  subscribed: boolean;
  fed: boolean;
  readonly waiters: (() => void)[];
}

type State = "new" | "starting" | "running" | "closed";

/**
 * Makes a {@link SignalRegistry} one registry of a whole bus: what any
 * member registers is visible in every member's registry, as stand-in
 * {@link Signal}s whose `connect` receives the owner's emissions and whose
 * `emit` reaches the owner's and every member's slots.
 *
 * - The registry of each member travels as a registry message when it
 *   changes, in answer to a hello, and every heartbeat; a member unheard
 *   for `missedHeartbeats` heartbeats is withdrawn, and connections to its
 *   signals wait for an owner of that name to come back.
 * - An owner publishes a signal's emissions only while another member
 *   listens to it (its registry's `listens` says so), so an emission nobody
 *   elsewhere listens to costs nothing extra.
 * - Emissions that arrive run the local slots in arrival order; a slot that
 *   throws is reported to the logger here and goes no further.
 *
 * @example
 * ```ts
 * const member = new BusMember({ registry, link, codec, host: hostId });
 * await member.start(); // heard from the host: its registry is known here
 * registry.connect("Camera", "sigFrame", onFrame).ready.then(() => console.log("live"));
 * ```
 */
export class BusMember extends EventEmitter<BusMemberEvents> {
  /** This member's id. */
  readonly id: string;
  readonly #registry: SignalRegistry;
  readonly #link: BusLink;
  readonly #codec: WireCodec;
  readonly #logger: Logger;
  readonly #host: true | string | undefined;
  /** Milliseconds between this member's heartbeats. */
  readonly heartbeatMs: number;
  /** Heartbeats another member may miss before it counts as gone. */
  readonly missedHeartbeats: number;
  readonly #silentMs: number;
  readonly #joinTimeoutMs: number;
  #state: State = "new";
  readonly #remotes = new Map<string, Remote>();
  /** Local owners: signals by name, by registry name. */
  readonly #locals = new Map<string, ReadonlyMap<string, AnySignal>>();
  /** For each signal of a local owner (by emission topic): the members it publishes for. */
  readonly #feeds = new Map<string, ReadonlySet<string>>();
  #announcedFeeds = "{}";
  readonly #standIns = new Map<string, StandIn>();
  readonly #standInObjects = new WeakSet<object>();
  readonly #listening = new Map<string, Listening>();
  /** Topics subscribed through the link, and whether each is ready. */
  readonly #topics = new Map<string, boolean>();
  readonly #echoes = new Echoes();
  /** Sends wait while a subscription is being made, so that their echoes are known to come. */
  #subscribing = 0;
  #held: [string, Uint8Array][] = [];
  #announceScheduled = false;
  readonly #warned = new Set<string>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #sweep: ReturnType<typeof setTimeout> | undefined;
  #heardHost: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  /** @param options see {@link BusMemberOptions} */
  constructor(options: BusMemberOptions) {
    super();
    this.#registry = options.registry;
    this.#link = options.link;
    this.#codec = options.codec;
    this.#logger = options.logger ?? defaultLogger;
    this.#host = options.host;
    this.id = options.member ?? globalThis.crypto.randomUUID();
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.missedHeartbeats = options.missedHeartbeats ?? 3;
    if (!(this.heartbeatMs > 0) || !(this.missedHeartbeats >= 1)) {
      throw new RangeError("heartbeatMs must be positive and missedHeartbeats at least 1.");
    }
    this.#silentMs = this.heartbeatMs * this.missedHeartbeats;
    this.#joinTimeoutMs = options.joinTimeoutMs ?? 10_000;
  }

  /** Whether this member is running (started and not closed). */
  get running(): boolean {
    return this.#state === "running";
  }

  /**
   * Joins the bus: listens to the protocol's topics, says hello, publishes
   * this registry, and starts the heartbeat. With `host` set to the host's
   * id, resolves once the host answered (its registry is known here), and
   * rejects (closing this member) when it does not answer within
   * `joinTimeoutMs`.
   */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error("A BusMember starts once.");
    this.#state = "starting";
    if (typeof this.#host !== "string") {
      await this.#join();
      return;
    }
    const heard = new Promise<void>((resolve) => (this.#heardHost = resolve));
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Covers the whole join: a link that cannot reach the forwarder (a wrong
    // address, a missing CURVE key) never gets its subscriptions ready.
    const silent = new Promise<never>((_, reject) => {
      timer = unref(
        setTimeout(() => {
          reject(
            new Error(
              `The bus host (${String(this.#host)}) did not answer within ${this.#joinTimeoutMs} ms; is it running, is the address right (and its curveServerKey, for a forwarder with CURVE)?`,
            ),
          );
        }, this.#joinTimeoutMs),
      );
    });
    const joined = this.#join().then(() => heard);
    // Once the race is lost, what the join does (a link closed under it) matters no more.
    joined.catch(() => undefined);
    try {
      await Promise.race([joined, silent]);
    } catch (error) {
      await this.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async #join(): Promise<void> {
    this.#link.listen(this.#onMessage);
    this.#registry.on("registered", this.#onRegistered);
    this.#registry.on("unregistered", this.#onUnregistered);
    for (const name of this.#registry.names()) {
      const signals = this.#registry.signals(name);
      this.#adopt(name, new Map(Object.entries(signals)));
    }
    await Promise.all([this.#subscribe(REGISTRY_TOPIC), this.#subscribe(HELLO_TOPIC)]);
    if (this.#closing) return;
    this.#state = "running";
    // The heartbeat keeps the process alive while this member is on the bus
    // (like an open server); close() clears it, and then nothing does.
    this.#heartbeat = setInterval(this.#beat, this.heartbeatMs);
    this.#send(HELLO_TOPIC, this.#codec.encode({ member: this.id }));
    this.#sendRegistry();
  }

  /** Live members, this one first, with the owners each registered. */
  members(): MemberInfo[] {
    return [
      { member: this.id, owners: [...this.#locals.keys()], here: true },
      ...[...this.#remotes.values()].map((remote) => this.#info(remote)),
    ];
  }

  /** Whether `owner` is registered here as a stand-in for another member's. */
  isRemote(owner: string): boolean {
    return this.#standIns.has(owner);
  }

  /**
   * Withdraws `member` at once, as if it had left: for a supervisor that saw
   * its thread or process exit, so nobody waits for its heartbeats to stop.
   * Unknown members are ignored.
   */
  forget(member: string): void {
    this.#withdraw(member, "exited");
  }

  /**
   * Leaves the bus: tells the others (they withdraw this member at once),
   * stops the heartbeat, withdraws the stand-ins (connections to them wait
   * again) and closes the link. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close(undefined);
    return this.#closing;
  }

  async #close(reason: string | undefined): Promise<void> {
    const wasRunning = this.#state === "running";
    this.#state = "closed";
    clearInterval(this.#heartbeat);
    clearTimeout(this.#sweep);
    this.#registry.off("registered", this.#onRegistered);
    this.#registry.off("unregistered", this.#onUnregistered);
    for (const signals of this.#locals.values()) {
      for (const signal of signals.values())
        if (signal instanceof Signal) internals.setRemote(signal, undefined);
    }
    for (const standIn of [...this.#standIns.values()]) this.#withdrawStandIn(standIn);
    try {
      if (wasRunning && reason === undefined) {
        const leaving: RegistryMessage = { member: this.id, owners: {}, leaving: true };
        this.#flushHeld();
        await this.#link.send(REGISTRY_TOPIC, this.#codec.encode(leaving));
      }
    } catch (error) {
      this.#logger.debug(`Member ${this.id} could not say it is leaving.`, error);
    } finally {
      await this.#link.close();
      this.emit("closed", reason);
    }
  }

  // --- Local owners -------------------------------------------------------

  readonly #onRegistered = (
    name: string,
    owner: object,
    signals: ReadonlyMap<string, AnySignal>,
  ): void => {
    if (this.#standInObjects.has(owner)) return;
    this.#adopt(name, signals);
  };

  readonly #onUnregistered = (name: string, owner: object): void => {
    if (this.#standInObjects.has(owner)) {
      // Replaced by a local owner of the same name (the registry warned).
      const standIn = this.#standIns.get(name);
      if (standIn?.object === owner) this.#dropStandIn(standIn);
      return;
    }
    const signals = this.#locals.get(name);
    if (signals === undefined) return;
    this.#locals.delete(name);
    for (const [key, signal] of signals) {
      if (signal instanceof Signal) internals.setRemote(signal, undefined);
      const topic = emissionTopic(name, key);
      this.#feeds.delete(topic);
      this.#unsubscribe(topic);
    }
    this.#announce();
  };

  #adopt(name: string, signals: ReadonlyMap<string, AnySignal>): void {
    if (this.#standIns.has(name)) return;
    this.#locals.set(name, new Map(signals));
    // Subscribed to its own signals: stand-ins elsewhere emit on them.
    for (const key of signals.keys())
      this.#subscribe(emissionTopic(name, key)).catch(this.#reportLink);
    this.#updateFeeds();
    this.#announce();
  }

  /** Which members each local signal publishes for; (un)installs the forwarding hooks. */
  #updateFeeds(): void {
    for (const [name, signals] of this.#locals) {
      for (const [key, signal] of signals) {
        const topic = emissionTopic(name, key);
        const members = new Set<string>();
        if (this.#topics.get(topic) === true) {
          for (const remote of this.#remotes.values()) {
            if (remote.listens === undefined || remote.listens[name]?.includes(key))
              members.add(remote.member);
          }
        }
        const was = this.#feeds.get(topic)?.size ?? 0;
        if (members.size === 0) this.#feeds.delete(topic);
        else this.#feeds.set(topic, members);
        if ((was === 0) === (members.size === 0) || !(signal instanceof Signal)) continue;
        internals.setRemote(signal, members.size === 0 ? undefined : this.#forwarder(topic));
      }
    }
    if (this.#feedsJson() !== this.#announcedFeeds) this.#announce();
  }

  #feedsJson(): string {
    return JSON.stringify(this.#feedsMap());
  }

  #feedsMap(): Record<string, Record<string, string[]>> {
    const feeds: Record<string, Record<string, string[]>> = {};
    for (const [topic, members] of this.#feeds) {
      const parsed = parseEmissionTopic(topic)!;
      (feeds[parsed.owner] ??= {})[parsed.signal] = [...members].sort();
    }
    return feeds;
  }

  /** What a signal runs after its local slots: encode (throwing here if it cannot), then publish. */
  #forwarder(topic: string): (args: unknown[]) => void {
    return (args) => {
      const body = this.#codec.encode(args);
      this.#send(topic, body);
    };
  }

  // --- Stand-ins for remote owners -----------------------------------------

  #syncOwners(remote: Remote, owners: OwnerSignals): void {
    for (const [owner, names] of Object.entries(owners)) {
      const standIn = this.#standIns.get(owner);
      if (standIn !== undefined && standIn.member !== remote.member) {
        this.#warnOnce(
          `${remote.member}/${owner}`,
          `Class ${owner} is registered by member ${standIn.member} already; member ${remote.member}'s is ignored.`,
        );
        continue;
      }
      if (standIn === undefined && this.#locals.has(owner)) {
        this.#warnOnce(
          `${remote.member}/${owner}`,
          `Class ${owner} is registered here already; member ${remote.member}'s is ignored.`,
        );
        continue;
      }
      if (standIn !== undefined) {
        const known = Object.keys(standIn.object);
        if (known.length === names.length && known.every((name) => names.includes(name))) continue;
        // Its signals changed: re-register, and connections follow the new set.
        this.#withdrawStandIn(standIn);
      }
      this.#addStandIn(remote.member, owner, names);
    }
    for (const standIn of [...this.#standIns.values()]) {
      if (standIn.member === remote.member && !(standIn.owner in owners))
        this.#withdrawStandIn(standIn);
    }
  }

  #addStandIn(member: string, owner: string, names: readonly string[]): void {
    this.#logger.debug(`Member ${this.id}: ${owner} of member ${member} is known here now.`);
    const object: Record<string, AnySignal> = {};
    for (const name of names) {
      const signal = new Signal<unknown[]>({ name });
      const topic = emissionTopic(owner, name);
      internals.setRemote(signal, this.#forwarder(topic));
      internals.watch(signal, (listening) => this.#watch(owner, name, listening));
      internals.setReadiness(signal, () => this.#whenFed(topic));
      object[name] = signal;
    }
    const standIn: StandIn = { owner, member, object };
    this.#standIns.set(owner, standIn);
    this.#standInObjects.add(object);
    this.#registry.registerSignals(object, { name: owner });
  }

  /** Removes a stand-in from the registry; connections to it wait for the owner to come back. */
  #withdrawStandIn(standIn: StandIn): void {
    this.#logger.debug(
      `Member ${this.id}: ${standIn.owner} of member ${standIn.member} is withdrawn.`,
    );
    this.#dropStandIn(standIn);
    // By object: removes it only while it is still what the name stands for.
    this.#registry.unregister(standIn.object, { reconnect: true });
  }

  /** Forgets a stand-in and stops listening for it. */
  #dropStandIn(standIn: StandIn): void {
    if (this.#standIns.get(standIn.owner) !== standIn) return;
    this.#standIns.delete(standIn.owner);
    for (const [name, signal] of Object.entries(standIn.object)) {
      internals.watch(signal, undefined);
      internals.setRemote(signal, undefined);
      const topic = emissionTopic(standIn.owner, name);
      if (this.#listening.delete(topic)) this.#unsubscribe(topic);
    }
    this.#announce();
  }

  #watch(owner: string, signal: string, listening: boolean): void {
    if (this.#state === "closed") return;
    this.#logger.debug(
      `Member ${this.id}: ${listening ? "listens to" : "stops listening to"} ${owner}.${signal}.`,
    );
    const topic = emissionTopic(owner, signal);
    if (listening) {
      if (this.#listening.has(topic)) return;
      const entry: Listening = { owner, signal, subscribed: false, fed: false, waiters: [] };
      this.#listening.set(topic, entry);
      const remote = this.#remotes.get(this.#standIns.get(owner)?.member ?? "");
      entry.fed = remote !== undefined && this.#fedBy(remote.member, owner, signal);
      this.#subscribe(topic).then(() => {
        entry.subscribed = true;
        this.#settle(entry);
      }, this.#reportLink);
    } else {
      if (!this.#listening.delete(topic)) return;
      this.#unsubscribe(topic);
    }
    this.#announce();
  }

  /** The last `feeds` each owner member sent, to tell whether it publishes for this member. */
  readonly #feedsOf = new Map<string, Record<string, Record<string, string[]>> | undefined>();

  #fedBy(member: string, owner: string, signal: string): boolean {
    if (!this.#feedsOf.has(member)) return false;
    const feeds = this.#feedsOf.get(member);
    // A peer that does not send `feeds` publishes whenever it emits.
    return feeds === undefined || feeds[owner]?.[signal]?.includes(this.id) === true;
  }

  #whenFed(topic: string): Promise<void> {
    const entry = this.#listening.get(topic);
    if (entry === undefined) return Promise.resolve();
    if (entry.subscribed && entry.fed) return Promise.resolve();
    return new Promise((resolve) => entry.waiters.push(resolve));
  }

  #settle(entry: Listening): void {
    if (!entry.subscribed || !entry.fed) return;
    for (const wake of entry.waiters.splice(0)) wake();
  }

  // --- Messages -------------------------------------------------------------

  readonly #onMessage = (topic: string, body: Uint8Array): void => {
    if (this.#state === "closed") return;
    try {
      if (topic.startsWith(SIGNAL_PREFIX)) this.#onEmission(topic, body);
      else if (topic === REGISTRY_TOPIC) this.#onRegistry(readRegistry(this.#codec.decode(body)));
      else if (topic === HELLO_TOPIC) this.#onHello(readHello(this.#codec.decode(body)).member);
    } catch (error) {
      this.#logger.warn(
        `Member ${this.id} ignored a malformed message on ${JSON.stringify(topic)}.`,
        error,
      );
    }
  };

  #onEmission(topic: string, body: Uint8Array): void {
    if (this.#echoes.isEcho(topic, body)) return;
    const parsed = parseEmissionTopic(topic);
    if (parsed === undefined) return;
    const signal =
      this.#locals.get(parsed.owner)?.get(parsed.signal) ??
      this.#standIns.get(parsed.owner)?.object[parsed.signal];
    if (signal === undefined) return;
    const args = this.#codec.decode(body);
    if (!Array.isArray(args)) throw new TypeError("an emission body must be an array of arguments");
    try {
      // A signal of another copy of this package has no hook of ours to skip.
      if (signal instanceof Signal) internals.deliver(signal, args);
      else (signal as { emit(...args: unknown[]): void }).emit(...(args as unknown[]));
    } catch (error) {
      this.#logger.error(
        `A slot of ${parsed.owner}.${parsed.signal} failed on an emission from another member.`,
        error,
      );
    }
  }

  #onHello(member: string): void {
    if (member === this.id) return;
    this.#heard(member);
    this.#sendRegistry();
  }

  #onRegistry(message: RegistryMessage): void {
    if (message.member === this.id) return;
    if (message.leaving === true) {
      this.#withdraw(message.member, "left");
      return;
    }
    const remote = this.#heard(message.member);
    remote.host ||= message.host === true;
    remote.listens = message.listens;
    this.#syncOwners(remote, message.owners);
    this.#feedsOf.set(remote.member, message.feeds);
    for (const entry of this.#listening.values()) {
      if (this.#standIns.get(entry.owner)?.member !== remote.member) continue;
      entry.fed = this.#fedBy(remote.member, entry.owner, entry.signal);
      this.#settle(entry);
    }
    this.#updateFeeds();
    if (this.#isHost(remote)) {
      this.#heardHost?.();
      this.#heardHost = undefined;
    }
  }

  #isHost(remote: Remote): boolean {
    return typeof this.#host === "string" ? remote.member === this.#host : false;
  }

  /** The record of `member`, created when first heard; its silence deadline moves on. */
  #heard(member: string): Remote {
    let remote = this.#remotes.get(member);
    const now = Date.now();
    if (remote === undefined) {
      remote = { member, owners: {}, listens: {}, host: false, lastHeard: now };
      this.#remotes.set(member, remote);
      this.emit("joined", this.#info(remote));
      if (this.#sweep === undefined) this.#scheduleSweep();
    }
    remote.lastHeard = now;
    return remote;
  }

  #withdraw(member: string, reason: "left" | "silent" | "exited"): void {
    const remote = this.#remotes.get(member);
    if (remote === undefined) return;
    this.#remotes.delete(member);
    this.#feedsOf.delete(member);
    for (const standIn of [...this.#standIns.values()]) {
      if (standIn.member === member) this.#withdrawStandIn(standIn);
    }
    this.#updateFeeds();
    this.emit("left", this.#info(remote), reason);
    if (this.#isHost(remote) || (remote.host && this.#host !== true)) {
      const why = {
        left: "shut down",
        silent: `unheard for ${this.#silentMs} ms`,
        exited: "exited",
      }[reason];
      const message = `The host of this bus (member ${member}) is gone (${why}); member ${this.id} closes.`;
      this.#logger.error(message);
      this.#closing ??= this.#close(message);
    }
  }

  #info(remote: Remote): MemberInfo {
    return {
      member: remote.member,
      owners: [...this.#standIns.values()]
        .filter((s) => s.member === remote.member)
        .map((s) => s.owner),
      here: false,
    };
  }

  // --- Heartbeat and silence --------------------------------------------------

  readonly #beat = (): void => {
    if (this.#state !== "running") return;
    if (this.#heardHost !== undefined)
      this.#send(HELLO_TOPIC, this.#codec.encode({ member: this.id }));
    this.#sendRegistry();
  };

  #scheduleSweep(): void {
    clearTimeout(this.#sweep);
    this.#sweep = undefined;
    if (this.#state === "closed" || this.#remotes.size === 0) return;
    let earliest = Infinity;
    for (const remote of this.#remotes.values()) earliest = Math.min(earliest, remote.lastHeard);
    const wait = Math.max(0, earliest + this.#silentMs - Date.now());
    this.#sweep = unref(setTimeout(this.#onSweep, wait + 1));
  }

  readonly #onSweep = (): void => {
    this.#sweep = undefined;
    const now = Date.now();
    for (const remote of [...this.#remotes.values()]) {
      if (now - remote.lastHeard >= this.#silentMs) this.#withdraw(remote.member, "silent");
    }
    this.#scheduleSweep();
  };

  // --- Sending ------------------------------------------------------------------

  #announce(): void {
    if (this.#announceScheduled || this.#state !== "running") return;
    this.#announceScheduled = true;
    // One registry message for every change made in this tick.
    queueMicrotask(() => {
      this.#announceScheduled = false;
      if (this.#state === "running") this.#sendRegistry();
    });
  }

  #sendRegistry(): void {
    const owners: OwnerSignals = {};
    for (const [name, signals] of this.#locals) owners[name] = [...signals.keys()];
    const listens: OwnerSignals = {};
    for (const entry of this.#listening.values()) (listens[entry.owner] ??= []).push(entry.signal);
    const feeds = this.#feedsMap();
    this.#announcedFeeds = JSON.stringify(feeds);
    const message: RegistryMessage = { member: this.id, owners, listens, feeds };
    if (this.#host === true) message.host = true;
    this.#send(REGISTRY_TOPIC, this.#codec.encode(message));
  }

  #send(topic: string, body: Uint8Array): void {
    if (this.#state === "closed") return;
    this.#echoes.sent(topic, body);
    if (this.#subscribing > 0 || this.#held.length > 0) {
      this.#held.push([topic, body]);
      return;
    }
    this.#link.send(topic, body).catch(this.#reportLink);
  }

  #flushHeld(): void {
    const held = this.#held;
    this.#held = [];
    for (const [topic, body] of held) this.#link.send(topic, body).catch(this.#reportLink);
  }

  async #subscribe(topic: string): Promise<void> {
    if (this.#topics.has(topic)) return;
    this.#topics.set(topic, false);
    if (topic.startsWith(SIGNAL_PREFIX)) this.#echoes.expect(topic);
    this.#subscribing++;
    try {
      await this.#link.subscribe(topic);
      if (this.#topics.has(topic)) this.#topics.set(topic, true);
    } finally {
      if (--this.#subscribing === 0 && this.#state !== "closed") this.#flushHeld();
    }
    if (topic.startsWith(SIGNAL_PREFIX) && this.#locals.size > 0) this.#updateFeeds();
  }

  #unsubscribe(topic: string): void {
    if (!this.#topics.delete(topic)) return;
    this.#echoes.forget(topic);
    if (this.#state !== "closed") this.#link.unsubscribe(topic);
  }

  readonly #reportLink = (error: unknown): void => {
    if (this.#state === "closed") return;
    this.#logger.error(`Member ${this.id}: the bus link failed.`, error);
  };

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#logger.warn(message);
  }
}

/** Lets a Node timer not keep the process alive; browsers' timers are numbers and need nothing. */
function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
