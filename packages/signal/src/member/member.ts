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
  SunflareError,
  TimeoutError,
  VALUES_TOPIC,
  callTopic,
} from "@sunflare/wire";
import { deliverHook } from "../hooks.js";
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

type State = "new" | "starting" | "running" | "closed";

/** Emission topics remembered by the router; past that (a flood of senders), it starts over. */
const MAX_ROUTES = 4096;

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
  readonly #host: true | string | undefined;
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
  #state: State = "new";
  #announceScheduled = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #heardHost: (() => void) | undefined;
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
    this.#host = options.host;
    this.id = options.member ?? globalThis.crypto.randomUUID();
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
        if (this.#state === "running") this.#sendValues(values);
      },
    };
    this.#feeds = new Feeds(context);
    this.#calls = new Calls(context, this.#feeds);
    this.#standIns = new StandIns(context, this.#feeds, this.#calls);
    options.link.listen(this.#onMessage);
  }

  /** Whether this member is running (started and not closed). */
  get running(): boolean {
    return this.#state === "running";
  }

  /**
   * Joins the bus: listens to the protocol's topics, says hello, publishes
   * this registry, and starts the heartbeat. With `host` set to the host's
   * id, resolves once the host answered (its registry is known here), and
   * rejects with a `TimeoutError` (closing this member) when it does not
   * answer within `joinTimeoutMs`.
   */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new SunflareError("refused", "A BusMember starts once.");
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
            new TimeoutError(
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
    this.#state = "running";
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
    const wasRunning = this.#state === "running";
    this.#state = "closed";
    clearInterval(this.#heartbeat);
    this.#peers.clear();
    this.#registry.off("registered", this.#onRegistered);
    this.#registry.off("unregistered", this.#onUnregistered);
    this.#feeds.close();
    this.#calls.close();
    this.#standIns.close();
    this.#badInput.close();
    try {
      if (wasRunning && reason === undefined) {
        await this.#outbox.sendLast(
          REGISTRY_TOPIC,
          this.#codec.encode(leavingMessage(this.id, this.#leaveSecret)),
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
    const peer = this.#peers.described(message);
    this.#standIns.sync(peer);
    this.#feeds.update();
    this.#joined(peer);
  }

  /** A leaving counts only with the secret its sender committed to (see leave-proof.ts). */
  #onLeaving(message: RegistryMessage): void {
    const peer = this.#peers.get(message.member);
    if (peer === undefined) return;
    const host = peer.host || peer.id === this.#host;
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
    if (this.#heardHost === undefined || peer.id !== this.#host || !peer.described) return;
    if (!this.#standIns.complete(peer)) return;
    this.#heardHost();
    this.#heardHost = undefined;
  }

  /** `peer` is gone (already out of {@link Peers}): its owners go, and with the host, this member. */
  #withdrawn(peer: Peer, reason: "left" | "silent" | "exited"): void {
    const info = this.#info(peer);
    this.#calls.gone(peer.id);
    this.#standIns.withdrawMember(peer.id);
    this.#feeds.update();
    this.emit("left", info, reason);
    const isHost = typeof this.#host === "string" ? peer.id === this.#host : false;
    if (isHost || (peer.host && this.#host !== true)) {
      const why = {
        left: "shut down",
        silent: `unheard for ${this.heartbeatMs * this.missedHeartbeats} ms`,
        exited: "exited",
      }[reason];
      const message = `The host of this bus (member ${peer.id}) is gone (${why}); member ${this.id} closes.`;
      this.#logger.error(message);
      this.#closing ??= this.#close(message);
    }
  }

  #info(peer: Peer): MemberInfo {
    return { member: peer.id, owners: this.#standIns.ownersOf(peer.id), here: false };
  }

  // What this member sends.

  readonly #beat = (): void => {
    if (this.#state !== "running") return;
    if (this.#heardHost !== undefined) this.#sendHello();
    this.#sendRegistry();
  };

  #announce(): void {
    if (this.#announceScheduled || this.#state !== "running") return;
    this.#announceScheduled = true;
    // One registry message for every change made in this tick.
    queueMicrotask(() => {
      this.#announceScheduled = false;
      if (this.#state === "running") this.#sendRegistry();
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
    if (this.#host === true) message.host = true;
    if (this.#leaveCommitment !== undefined) message.leave = this.#leaveCommitment;
    this.#outbox.send(REGISTRY_TOPIC, this.#codec.encode(message));
  }
}
