/**
 * A bus member: one {@link SignalRegistry} made part of a bus that spans
 * threads, processes, machines and browser pages. It speaks wire protocol
 * version 2 (see docs/wire-protocol.md) over a {@link BusLink}, so it runs
 * wherever the link does: `@sunflare/virtual` gives it ZeroMQ, a browser
 * page a WebSocket.
 *
 * `BusMember` keeps the lifecycle and the one router of incoming messages;
 * the state lives in units that each own theirs alone: {@link Peers} (the
 * other members, liveness), {@link StandIns} (their owners, here),
 * {@link Feeds} (this member's owners, and whom each signal publishes for)
 * and {@link Outbox} (what goes through the link).
 *
 * The path of one emission, from an owner's `emit` to a slot in another member:
 * 1. `Signal.emit` runs the local slots, then the relay `Feeds` installed;
 * 2. the relay encodes the arguments once and hands them to the link's
 *    `send`, on `"\0sunflare/signal/<owner>/<signal>\0<sender id>"`;
 * 3. the link publishes it; the other member's link hands it to its router,
 *    `BusMember.#onMessage`, which drops what it sent itself (by the id in
 *    the topic), decodes, and runs the stand-in's local slots
 *    (`deliverHook`), never forwarding it again.
 */
import { EventEmitter } from "eventemitter3";
import type { Logger } from "@sunflare/wire";
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MISSED_HEARTBEATS,
  defaultLogger,
  HELLO_TOPIC,
  leavingMessage,
  parseEmissionTopic,
  PROTOCOL_VERSION,
  REGISTRY_TOPIC,
  SIGNAL_PREFIX,
  ClosedError,
  SunflareError,
  TimeoutError,
  VALUES_TOPIC,
  callTopic,
} from "@sunflare/wire";
import { deliverHook } from "../hooks.js";
import { StandInSignal } from "./stand-in-signal.js";
import type { SignalRegistry } from "../registry.js";
import type { AnySignal } from "../signal.js";
import type { MemberContext } from "./context.js";
import { Feeds } from "./feeds.js";
import type { BusLink, WireCodec } from "./link.js";
import { Outbox } from "./outbox.js";
import type { Peer } from "./peers.js";
import { Peers, unref } from "./peers.js";
import type { CallMessage, RegistryMessage, ValuesMessage } from "./protocol.js";
import { readCall, readHello, readRegistry, readValues } from "./protocol.js";
import { Calls } from "./calls.js";
import { StandIns } from "./stand-ins.js";
import { BadInput, kindOf, senderOf } from "./bad-input.js";
import { judgeLeaving, leaveCommitment, newLeaveSecret } from "./leave-proof.js";

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
  /**
   * With `host` set to the host's id: `true` keeps this member when the
   * host is gone (state `"rejoining"`) and rejoins whichever host answers
   * on the link next, a new host process included; `false` (the default)
   * closes it.
   */
  rejoin?: boolean;
}

/**
 * Where a member stands: `"joining"` until the host answered, `"joined"`
 * (on the bus), `"rejoining"` (its host is gone; it waits for a host to
 * answer again, keeping its owners and connections), `"closed"` (for good).
 * A host is `"joined"` from its start to its close.
 */
export type MemberState = "new" | "joining" | "joined" | "rejoining" | "closed";

/**
 * Why another member was withdrawn: it said so (`"left"`), was unheard for
 * too long (`"silent"`), its supervisor saw it exit (`"exited"`), or, for
 * the host, a new host answered in its place (`"replaced"`).
 */
export type LeftReason = "left" | "silent" | "exited" | "replaced";

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
  left: [info: MemberInfo, reason: LeftReason];
  /** This member closed: by {@link BusMember.close}, or because the host is gone (`reason` says so). */
  closed: [reason: string | undefined];
  /** {@link BusMember.state} changed. */
  state: [state: MemberState];
  /**
   * The host is gone and this member (made with `rejoin`) waits for a host
   * to answer: its calls to the host rejected with `"gone"`, its
   * connections to the host's owners wait.
   */
  "host-lost": [info: MemberInfo, reason: LeftReason];
  /** A host answered again (`host`: its member id): this member is back on the bus. */
  rejoined: [host: string];
  /**
   * An emission made on a stand-in whose owner is gone (or after this
   * member closed) reached the slots here and nobody else; once per stand-in
   * signal, also logged as a warning.
   */
  undelivered: [owner: string, signal: string, reason: string];
}

/** Emission topics remembered by the router; past that (a flood of senders), it starts over. */
const MAX_ROUTES = 4096;

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * A new member id: 15 random characters (90 bits). Short on purpose: every
 * values and call message carries it, and msgpackr reads a string this short
 * several times faster than a UUID's 36 characters.
 */
function newMemberId(): string {
  let id = "";
  for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(15)))
    id += ID_ALPHABET[byte & 63];
  return id;
}

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
  /** Milliseconds between this member's heartbeats. */
  readonly heartbeatMs: number;
  /** Heartbeats another member may miss before it counts as gone. */
  readonly missedHeartbeats: number;
  readonly #registry: SignalRegistry;
  readonly #codec: WireCodec;
  readonly #logger: Logger;
  readonly #isHost: boolean;
  /** The host's member id, when this member joined one; a new host replaces it on rejoin. */
  #hostId: string | undefined;
  readonly #rejoin: boolean;
  readonly #joinTimeoutMs: number;
  readonly #outbox: Outbox;
  readonly #peers: Peers;
  readonly #standIns: StandIns;
  readonly #feeds: Feeds;
  readonly #calls: Calls;
  readonly #badInput: BadInput;
  /** Revealed in the leaving message only; its hash goes in every registry (see leave-proof.ts). */
  readonly #leaveSecret = newLeaveSecret();
  #leaveCommitment: string | undefined;
  #state: MemberState = "new";
  #announceScheduled = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #heardHost: (() => void) | undefined;
  /** Rejects a start under way: the member closed meanwhile. */
  #stopJoining: ((error: Error) => void) | undefined;
  #closing: Promise<void> | undefined;
  /** What each emission topic delivers to (`null`: nothing here, or this member's own). */
  readonly #routes = new Map<string, { signal: AnySignal; label: string } | null>();
  /** This member's inbox topic: calls to its owners, answers to its calls. */
  readonly #inbox: string;

  /** @param options see {@link BusMemberOptions} */
  constructor(options: BusMemberOptions) {
    super();
    this.#registry = options.registry;
    this.#codec = options.codec;
    this.#logger = options.logger ?? defaultLogger;
    this.#isHost = options.host === true;
    this.#hostId = typeof options.host === "string" ? options.host : undefined;
    this.#rejoin = options.rejoin === true && this.#hostId !== undefined;
    this.id = options.member ?? newMemberId();
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.missedHeartbeats = options.missedHeartbeats ?? DEFAULT_MISSED_HEARTBEATS;
    if (!(this.heartbeatMs > 0) || !(this.missedHeartbeats >= 1)) {
      throw new RangeError("heartbeatMs must be positive and missedHeartbeats at least 1.");
    }
    this.#joinTimeoutMs = options.joinTimeoutMs ?? 10_000;
    this.#inbox = callTopic(this.id);
    this.#badInput = new BadInput(this.#logger, this.id);
    this.#outbox = new Outbox(options.link, this.#logger, this.id);
    this.#peers = new Peers(this.heartbeatMs * this.missedHeartbeats, {
      joined: (peer) => this.emit("joined", this.#info(peer)),
      silent: (peer) => this.#withdrawn(peer, "silent"),
    });
    const context: MemberContext = {
      id: this.id,
      registry: this.#registry,
      link: options.link,
      codec: this.#codec,
      logger: this.#logger,
      outbox: this.#outbox,
      peers: this.#peers,
      announce: () => this.#announce(),
      publishValues: (values) => {
        if (this.#onBus()) this.#sendValues(values);
      },
    };
    this.#feeds = new Feeds(context);
    this.#calls = new Calls(context, this.#feeds);
    this.#standIns = new StandIns(context, this.#feeds, this.#calls);
    options.link.listen(this.#onMessage);
  }

  /** Whether this member is running: joined, or rejoining (started and not closed). */
  get running(): boolean {
    return this.#onBus();
  }

  /** Where this member stands; see {@link MemberState}. The `state` event tells each change. */
  get state(): MemberState {
    return this.#state;
  }

  /** The host's member id (this member's own, on the host); a rejoin may change it. */
  get host(): string | undefined {
    return this.#isHost ? this.id : this.#hostId;
  }

  #onBus(): boolean {
    return this.#state === "joined" || this.#state === "rejoining";
  }

  /** The one place the state changes; listeners hear each change once. */
  #setState(state: MemberState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit("state", state);
  }

  /**
   * Joins the bus: listens to the protocol's topics, says hello, publishes
   * this registry, and starts the heartbeat. With `host` set to the host's
   * id, resolves once the host answered (its registry is known here), and
   * rejects with a `TimeoutError` (closing this member) when it does not
   * answer within `joinTimeoutMs`.
   */
  async start(): Promise<void> {
    if (this.#state === "closed") throw new ClosedError(`Member ${this.id}`);
    if (this.#state !== "new") throw new SunflareError("refused", "A BusMember starts once.");
    this.#setState("joining");
    if (this.#hostId === undefined) {
      await this.#join();
      if (this.#closing) throw new ClosedError(`Member ${this.id}`);
      return;
    }
    const heard = new Promise<void>((resolve, reject) => {
      this.#heardHost = resolve;
      this.#stopJoining = reject;
    });
    // Awaited below, through `joined`: a close before then is no unhandled rejection.
    heard.catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Covers the whole join: a link that cannot reach the forwarder (a wrong
    // address, a missing CURVE key) never gets its subscriptions ready.
    const silent = new Promise<never>((_, reject) => {
      timer = unref(
        setTimeout(() => {
          reject(
            new TimeoutError(
              `The bus host (${String(this.#hostId)}) did not answer within ${this.#joinTimeoutMs} ms; is it running, is the address right (and its curveServerKey, for a forwarder with CURVE)?`,
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
    this.#registry.on("registered", this.#onRegistered);
    this.#registry.on("unregistered", this.#onUnregistered);
    for (const name of this.#registry.names()) {
      this.#feeds.adopt(name, new Map(Object.entries(this.#registry.signals(name))));
    }
    const [commitment] = await Promise.all([
      leaveCommitment(this.#leaveSecret),
      ...[REGISTRY_TOPIC, HELLO_TOPIC, VALUES_TOPIC, callTopic(this.id)].map((topic) =>
        this.#outbox.subscribe(topic),
      ),
    ]);
    this.#leaveCommitment = commitment;
    if (this.#closing) return;
    this.#setState("joined");
    // The heartbeat keeps the process alive while this member is on the bus
    // (like an open server); close() clears it, and then nothing does.
    this.#heartbeat = setInterval(this.#beat, this.heartbeatMs);
    this.#sendHello();
    this.#sendRegistry();
    this.#sendValues(this.#feeds.values());
  }

  /** Live members, this one first, with the owners each registered (before it starts: this one alone). */
  members(): MemberInfo[] {
    if (this.#state === "new")
      return [{ member: this.id, owners: this.#registry.names(), here: true }];
    return [
      { member: this.id, owners: this.#feeds.names(), here: true },
      ...[...this.#peers.all()].map((peer) => this.#info(peer)),
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
    const peer = this.#peers.remove(member);
    if (peer !== undefined) this.#withdrawn(peer, "exited");
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
    const wasRunning = this.#onBus();
    this.#setState("closed");
    clearInterval(this.#heartbeat);
    this.#stopJoining?.(new ClosedError(`Member ${this.id}`));
    this.#heardHost = this.#stopJoining = undefined;
    this.#peers.clear();
    this.#registry.off("registered", this.#onRegistered);
    this.#registry.off("unregistered", this.#onUnregistered);
    this.#feeds.close();
    this.#calls.close();
    const orphans = this.#standInSignals(
      this.#registry.names().filter((name) => this.#standIns.has(name)),
    );
    this.#standIns.close();
    this.#orphan(orphans, new ClosedError(`The bus of member ${this.id}`));
    // Nothing this registry waits for from other members will come now.
    this.#registry.closeWaiting();
    this.#badInput.close();
    try {
      // Also when the host is gone: other members on a forwarder that lives on hear it.
      if (wasRunning) {
        await withDeadline(
          this.#outbox.sendLast(
            REGISTRY_TOPIC,
            this.#codec.encode(leavingMessage(this.id, this.#leaveSecret)),
          ),
          this.heartbeatMs,
        );
      }
    } catch (error) {
      this.#logger.debug(`Member ${this.id} could not say it is leaving.`, error);
    } finally {
      await this.#outbox.close();
      this.emit("closed", reason);
    }
  }

  // The registry of this member: its own owners come and go.

  readonly #onRegistered = (
    name: string,
    owner: object,
    signals: ReadonlyMap<string, AnySignal>,
  ): void => {
    this.#routes.clear();
    if (this.#standIns.isStandIn(owner) || this.#standIns.has(name)) return;
    this.#feeds.adopt(name, signals);
  };

  readonly #onUnregistered = (name: string, owner: object): void => {
    this.#routes.clear();
    // A stand-in replaced by a local owner of the same name (the registry warned).
    if (this.#standIns.isStandIn(owner)) this.#standIns.replaced(name, owner);
    else this.#feeds.drop(name);
  };

  // The router: every message of the protocol arrives here.

  readonly #onMessage = (topic: string, body: Uint8Array): void => {
    if (this.#state === "closed") return;
    try {
      if (topic.startsWith(SIGNAL_PREFIX)) this.#onEmission(topic, body);
      else if (topic === REGISTRY_TOPIC) this.#onRegistry(readRegistry(this.#codec.decode(body)));
      else if (topic === HELLO_TOPIC) this.#onHello(readHello(this.#codec.decode(body)).member);
      else if (topic === VALUES_TOPIC) this.#onValues(readValues(this.#codec.decode(body)));
      else if (topic === this.#inbox) this.#onCall(readCall(this.#codec.decode(body)));
    } catch (error) {
      const sender = senderOf(topic, body, (bytes) => this.#codec.decode(bytes));
      this.#badInput.report(kindOf(topic, this.#inbox), sender, error);
    }
  };

  #onEmission(topic: string, body: Uint8Array): void {
    // A topic names its signal and sender for as long as the registry stays as it is.
    let route = this.#routes.get(topic);
    if (route === undefined) {
      if (this.#routes.size >= MAX_ROUTES) this.#routes.clear();
      const parsed = parseEmissionTopic(topic);
      const signal =
        parsed === undefined || parsed.sender === this.id
          ? undefined
          : (this.#feeds.get(parsed.owner, parsed.signal) ??
            this.#standIns.get(parsed.owner, parsed.signal));
      route = signal === undefined ? null : { signal, label: `${parsed!.owner}.${parsed!.signal}` };
      this.#routes.set(topic, route);
    }
    if (route === null) return;
    const args = this.#codec.decode(body);
    if (!Array.isArray(args)) throw new TypeError("an emission body must be an array of arguments");
    try {
      route.signal[deliverHook](args as unknown[]);
    } catch (error) {
      this.#logger.error(
        `A slot of ${route.label} failed on an emission from another member.`,
        error,
      );
    }
  }

  #onCall(message: CallMessage): void {
    // Busy with calls, a member's heartbeat may queue behind them: a call proves it alive too.
    this.#peers.touch(message.from);
    this.#calls.receive(message);
  }

  #onHello(member: string): void {
    if (member === this.id) return;
    this.#peers.heard(member);
    this.#sendRegistry();
    this.#sendValues(this.#feeds.values());
  }

  #onValues(message: ValuesMessage): void {
    if (message.member === this.id) return;
    const peer = this.#peers.valued(message.member, message.values);
    this.#standIns.valuesChanged(peer, message.values);
    this.#joined(peer);
  }

  #onRegistry(message: RegistryMessage): void {
    if (message.member === this.id) return;
    if (message.leaving === true) {
      this.#onLeaving(message);
      return;
    }
    if (message.host === true) this.#hostAnswered(message.member);
    const peer = this.#peers.described(message);
    this.#standIns.sync(peer);
    this.#feeds.update();
    this.#joined(peer);
  }

  /**
   * A host's registry arrived. A host other than the one this member knows
   * (a new host process at the same address, maybe before the old one's
   * silence was noticed) replaces it: the old one is gone, and this member
   * re-registers with the new one.
   */
  #hostAnswered(host: string): void {
    if (!this.#rejoin) return;
    if (host !== this.#hostId && this.#state === "joined") {
      const old = this.#peers.remove(this.#hostId!);
      if (old !== undefined) this.#withdrawn(old, "replaced");
    }
    if (this.#state !== "rejoining") return;
    if (host !== this.#hostId)
      this.#logger.info(`Member ${this.id}: host ${host} answers; rejoining it.`);
    this.#hostId = host;
    // What the new host must know of this member, without waiting for its hello.
    this.#sendRegistry();
    this.#sendValues(this.#feeds.values());
  }

  /** A leaving counts only with the secret its sender committed to (see leave-proof.ts). */
  #onLeaving(message: RegistryMessage): void {
    const peer = this.#peers.get(message.member);
    if (peer === undefined) return;
    const host = peer.host || peer.id === this.#hostId;
    judgeLeaving(peer.leave, message.secret, host, (verdict) => {
      if (this.#state === "closed" || this.#peers.get(peer.id) !== peer) return;
      if (verdict === "forged") {
        this.#badInput.report("forged leaving", peer.id);
        return;
      }
      this.#peers.remove(peer.id);
      this.#withdrawn(peer, "left");
    });
  }

  /** Joining ends once the host's registry is known here, its properties' values included. */
  #joined(peer: Peer): void {
    if (this.#heardHost === undefined || peer.id !== this.#hostId || !peer.described) return;
    if (!this.#standIns.complete(peer)) return;
    this.#heardHost();
    this.#heardHost = undefined;
  }

  /** `peer` is gone (already out of {@link Peers}): its owners go, and with the host, this member. */
  #withdrawn(peer: Peer, reason: LeftReason): void {
    const info = this.#info(peer);
    this.#calls.gone(peer.id);
    const orphans = this.#standInSignals(info.owners);
    this.#standIns.withdrawMember(peer.id);
    this.#orphan(orphans, new SunflareError("gone", `The owner's member ${peer.id} is gone.`));
    this.#feeds.update();
    this.emit("left", info, reason);
    const isHost = peer.id === this.#hostId;
    if (!isHost && !(peer.host && !this.#isHost)) return;
    const why = {
      left: "shut down",
      silent: `unheard for ${this.heartbeatMs * this.missedHeartbeats} ms`,
      exited: "exited",
      replaced: "a new host answers in its place",
    }[reason];
    if (this.#rejoin && this.#state === "joined") {
      this.#logger.warn(
        `The host of this bus (member ${peer.id}) is gone (${why}); member ${this.id} keeps its plugins and rejoins when a host answers.`,
      );
      this.#setState("rejoining");
      // Said hello on every beat until a host answers (see #beat).
      this.#heardHost = () => {
        this.#setState("joined");
        this.emit("rejoined", this.#hostId!);
      };
      this.emit("host-lost", info, reason);
      return;
    }
    if (this.#state === "rejoining") return;
    const message = `The host of this bus (member ${peer.id}) is gone (${why}); member ${this.id} closes.`;
    this.#logger.error(message);
    this.#closing ??= this.#close(message);
  }

  /** The stand-in signals registered under `owners` (read before they are withdrawn). */
  #standInSignals(owners: readonly string[]): StandInSignal[] {
    const signals: StandInSignal[] = [];
    for (const owner of owners) {
      if (!this.#standIns.has(owner)) continue;
      for (const signal of Object.values(this.#registry.signals(owner)))
        if (signal instanceof StandInSignal) signals.push(signal);
    }
    return signals;
  }

  /**
   * Withdrawn stand-ins never emit again: their `next()` waiters learn
   * `why`, and a plugin still emitting on one hears of it once.
   */
  #orphan(signals: readonly StandInSignal[], why: Error): void {
    for (const signal of signals) {
      signal.orphan(why, () => {
        const { ownerName, signalName } = signal;
        this.#logger.warn(
          `An emission of ${ownerName}.${signalName} reached only the slots of member ${this.id}: ${why.message} Connect by name (bus.connect) to follow the owner when it comes back.`,
        );
        this.emit("undelivered", ownerName, signalName, why.message);
      });
    }
  }

  #info(peer: Peer): MemberInfo {
    return { member: peer.id, owners: this.#standIns.ownersOf(peer.id), here: false };
  }

  // What this member sends.

  readonly #beat = (): void => {
    if (!this.#onBus()) return;
    if (this.#heardHost !== undefined) this.#sendHello();
    this.#sendRegistry();
  };

  #announce(): void {
    if (this.#announceScheduled || !this.#onBus()) return;
    this.#announceScheduled = true;
    // One registry message for every change made in this tick.
    queueMicrotask(() => {
      this.#announceScheduled = false;
      if (this.#onBus()) this.#sendRegistry();
    });
  }

  #sendHello(): void {
    this.#outbox.send(
      HELLO_TOPIC,
      this.#codec.encode({ member: this.id, version: PROTOCOL_VERSION }),
    );
  }

  /** Values of this member's properties, when it has any. */
  #sendValues(values: Record<string, Record<string, unknown>>): void {
    if (Object.keys(values).length === 0) return;
    try {
      this.#outbox.send(VALUES_TOPIC, this.#codec.encode({ member: this.id, values }));
    } catch (error) {
      this.#logger.error(
        `Member ${this.id}: property values that cannot be encoded stay here.`,
        error,
      );
    }
  }

  #sendRegistry(): void {
    const message: RegistryMessage = {
      member: this.id,
      version: PROTOCOL_VERSION,
      owners: this.#feeds.owners(),
      listens: this.#standIns.listens(),
      feeds: this.#feeds.feeds(),
      slots: this.#feeds.slots(),
      properties: this.#feeds.properties(),
    };
    if (this.#isHost) message.host = true;
    if (this.#leaveCommitment !== undefined) message.leave = this.#leaveCommitment;
    this.#outbox.send(REGISTRY_TOPIC, this.#codec.encode(message));
  }
}

/** `promise`, or a rejection once `ms` passed (a last word must not hold a close up). */
function withDeadline(promise: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`Not sent within ${ms} ms.`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
