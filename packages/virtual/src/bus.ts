import type { CodecOptions } from "@sunflare/codec";
import { Codec } from "@sunflare/codec";
import type {
  Endpoint,
  ForwarderOptions,
  PublisherOptions,
  SubscriberOptions,
} from "@sunflare/forwarder";
import { Forwarder, Publisher, Subscriber } from "@sunflare/forwarder";
import type {
  Connection,
  Logger,
  MemberInfo,
  RegisterOptions,
  RegistryConnectOptions,
  SignalNameFor,
  SignalsFor,
  SlotFor,
} from "@sunflare/signal";
import { BusMember, defaultLogger, SignalRegistry } from "@sunflare/signal";
import { ZmqLink } from "./link.js";

/**
 * Where a bus is, as plain JSON: what `bus.address` gives and
 * {@link VirtualBus.join} takes. It passes through `workerData`,
 * `JSON.stringify` and a command line.
 */
export interface BusAddress {
  /** Where publishers connect (the forwarder's XSUB side). */
  readonly publishAddress: string;
  /** Where subscribers connect (the forwarder's XPUB side). */
  readonly subscribeAddress: string;
  /** The forwarder's CURVE public key, when it runs with `curve`: members need it to join. */
  readonly curveServerKey?: string;
  /** The host's member id: a member closes when the host is gone. */
  readonly host: string;
}

/** Options of {@link VirtualBus.join}. */
export interface JoinOptions {
  /** Receives the member's reports (default: console, warnings and errors). */
  logger?: Logger;
  /** Codec of the member's publishers, subscribers and emissions. */
  codec?: CodecOptions;
  /** Milliseconds between heartbeats (default 1000). Use the host's value. */
  heartbeatMs?: number;
  /** Heartbeats a member may miss before it counts as gone (default 3). */
  missedHeartbeats?: number;
  /** Milliseconds to wait for the host's answer before `join` rejects (default 10,000). */
  joinTimeoutMs?: number;
}

/** One connection made through a bus, as {@link VirtualBus.wiring} lists it. */
export interface WiringEntry {
  /** Registry name of the signal's owner. */
  readonly owner: string;
  /** Signal name. */
  readonly signal: string;
  /** The slot's function name. */
  readonly slot: string;
  /** Connected now, or waiting for its owner (to register, or to come back). */
  readonly state: "live" | "pending";
  /** Whether the owner lives in another member (thread, process, machine). */
  readonly remote: boolean;
}

/** @internal */
const joining = Symbol("joining");

/** Options of a {@link VirtualBus}. */
export interface VirtualBusOptions {
  /** Receives the registry's and the data streams' reports (default: console, warnings and errors). */
  logger?: Logger;
  /** How the bus's forwarder binds (default: inproc, unique to this bus). */
  forwarder?: ForwarderOptions;
  /** Codec of the publishers and subscribers the bus makes, and of signal emissions between members. */
  codec?: CodecOptions;
  /**
   * Milliseconds between the heartbeats of the bus's members (default 1000).
   * A member unheard for `missedHeartbeats` of them is withdrawn.
   */
  heartbeatMs?: number;
  /** Heartbeats a member may miss before it counts as gone (default 3). */
  missedHeartbeats?: number;
  /** @internal set by {@link VirtualBus.join} */
  [joining]?: { address: BusAddress; timeoutMs: number | undefined };
}

/**
 * One object for everything plugins share: a signal registry for control
 * (in-process, synchronous) and a ZeroMQ forwarder for data streams.
 *
 * Usable at once: the forwarder starts by itself the first time a data
 * stream needs it (so a bus used only for signals never starts ZeroMQ).
 * `shutdown()` closes every publisher and subscriber the bus made and stops
 * the forwarder; afterwards the process exits on its own.
 *
 * @example
 * ```ts
 * await using bus = new VirtualBus();
 * bus.registerSignals(emitter);                       // under "Emitter"
 * bus.signals("Emitter").sigSender.connect((x) => console.log(x));
 * const subscriber = bus.connectSubscriber("frames");
 * await subscriber.ready();
 * await bus.connectPublisher().send("frames", [1, 2, 3]);
 * ```
 */
export class VirtualBus implements AsyncDisposable {
  /** The signal registry behind {@link registerSignals}, {@link signals} and {@link connect}. */
  readonly registry: SignalRegistry;
  /** The codec shared by the publishers and subscribers the bus makes, and by emissions between members. */
  readonly codec: Codec;
  /**
   * This bus's part of the bus-wide registry: its events say which members
   * join and leave (`joined`, `left`), and when this member closed because
   * the host is gone (`closed`).
   */
  readonly membership: BusMember;
  readonly #forwarder: Forwarder | undefined;
  readonly #joined: BusAddress | undefined;
  readonly #logger: Logger;
  readonly #sockets = new Set<Publisher | Subscriber>();
  #started: Promise<void> | undefined;
  #bound: Promise<void> | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(options: VirtualBusOptions = {}) {
    this.#logger = options.logger ?? defaultLogger;
    this.registry = new SignalRegistry({ logger: this.#logger });
    this.codec = new Codec(options.codec);
    this.#joined = options[joining]?.address;
    this.#forwarder =
      this.#joined === undefined
        ? new Forwarder({ logger: this.#logger, ...options.forwarder })
        : undefined;
    const link = new ZmqLink({
      endpoint: this.#endpoint(),
      curveServerKey: this.#joined?.curveServerKey,
      logger: this.#logger,
    });
    this.membership = new BusMember({
      registry: this.registry,
      link,
      codec: this.codec,
      host: this.#joined === undefined ? true : this.#joined.host,
      heartbeatMs: options.heartbeatMs,
      missedHeartbeats: options.missedHeartbeats,
      joinTimeoutMs: options[joining]?.timeoutMs,
      logger: this.#logger,
    });
    this.membership.on("closed", (reason) => {
      // The host is gone: this member has closed itself; release the rest.
      if (reason !== undefined) void this.shutdown();
    });
  }

  /**
   * Makes a member of the bus at `address` (a host's `bus.address`): in a
   * worker thread, a child process, or on another machine. Resolves once
   * the host answered, so the host's registry is known; rejects when the
   * host does not answer within `joinTimeoutMs` (default 10 s).
   *
   * @example
   * ```ts
   * // worker.ts
   * const bus = await VirtualBus.join(workerData.address);
   * bus.connect("Camera", "sigFrame", onFrame, { deferred: true });
   * ```
   */
  static async join(address: BusAddress, options: JoinOptions = {}): Promise<VirtualBus> {
    checkAddress(address);
    const bus = new VirtualBus({
      ...options,
      [joining]: { address, timeoutMs: options.joinTimeoutMs },
    });
    await bus.ready();
    return bus;
  }

  /**
   * The forwarder behind the data streams (the host's; its addresses let
   * other threads and processes join).
   *
   * @throws Error on a member made by {@link VirtualBus.join}, which has none of its own
   */
  get forwarder(): Forwarder {
    if (this.#forwarder === undefined) {
      throw new Error("A member of a bus has no forwarder of its own; its address is bus.address.");
    }
    return this.#forwarder;
  }

  /** This member's id, unique per bus instance. */
  get member(): string {
    return this.membership.id;
  }

  /**
   * Where this bus is, as plain JSON, for {@link VirtualBus.join} in a
   * worker thread, another process or on another machine.
   *
   * @throws Error before {@link ready} resolved (the addresses are not final yet)
   */
  get address(): BusAddress {
    if (this.#joined !== undefined) return this.#joined;
    const forwarder = this.forwarder;
    if (!forwarder.running) {
      throw new Error("bus.address is known once `await bus.ready()` resolved.");
    }
    this.#startMembership().catch((error: unknown) => {
      this.#logger.error("This bus could not open to other members.", error);
    });
    const address: { -readonly [K in keyof BusAddress]: BusAddress[K] } = {
      publishAddress: forwarder.publishAddress,
      subscribeAddress: forwarder.subscribeAddress,
      host: this.member,
    };
    if (forwarder.curveServerKey !== undefined) address.curveServerKey = forwarder.curveServerKey;
    return address;
  }

  /** Whether {@link shutdown} was called. */
  get isShutdown(): boolean {
    return this.#shutdown !== undefined;
  }

  /**
   * Registers the {@link Signal} fields of `owner` under
   * `options.name ?? owner.constructor.name`, for every member of the bus.
   * See `SignalRegistry.registerSignals`.
   */
  registerSignals(owner: object, options?: RegisterOptions): void {
    this.registry.registerSignals(owner, options);
  }

  /**
   * The signals registered under `name`, here or by another member (then
   * stand-ins: `connect` receives the owner's emissions, `emit` reaches the
   * owner's and every member's slots); an unknown name logs an error and
   * returns an empty, frozen record. Typed through `SignalMap`.
   */
  signals<const Name extends string>(name: Name): SignalsFor<Name> {
    return this.registry.signals(name);
  }

  /** Whether anything is registered under `name`, here or by another member. */
  has(name: string): boolean {
    return this.registry.has(name);
  }

  /** The registered names, here and by other members. */
  names(): string[] {
    return this.registry.names();
  }

  /**
   * Connects `slot` to signal `signal` of `name`, wherever it is owned.
   * Never throws for a missing owner or signal: it logs a warning, or with
   * `deferred: true` connects as soon as the signal is registered by any
   * member. `connection.ready` resolves once emissions reach the slot.
   */
  connect<const Name extends string, const Key extends string>(
    name: Name,
    signal: Key & SignalNameFor<Name>,
    slot: SlotFor<Name, Key>,
    options?: RegistryConnectOptions,
  ): Connection {
    return this.registry.connect(name, signal, slot, options);
  }

  /** Live members of the bus, this one first, and the owners each registered. */
  members(): MemberInfo[] {
    if (this.#started === undefined)
      return [{ member: this.member, owners: this.names(), here: true }];
    return this.membership.members();
  }

  /** Every connection made through this bus: both ends, live or pending. */
  wiring(): WiringEntry[] {
    return this.registry
      .connections()
      .map((info) => ({ ...info, remote: this.membership.isRemote(info.owner) }));
  }

  /**
   * Resolves once the bus can be joined: on the host, the forwarder is bound
   * (tcp with port 0 included) and {@link address} is final; on a member,
   * the host has answered.
   */
  ready(): Promise<void> {
    this.#assertOpen();
    if (this.#joined !== undefined) return this.#startMembership();
    this.#bound ??= this.forwarder.start();
    return this.#bound;
  }

  /**
   * Starts this bus's part of the bus-wide registry. The host starts it when
   * its address is first read (before that, no member can know where to
   * join): a bus used within one thread keeps its forwarder to its data
   * streams alone, with no protocol subscriber counted among them.
   */
  #startMembership(): Promise<void> {
    this.#started ??= (async () => {
      await this.#forwarder?.start();
      await this.membership.start();
    })();
    return this.#started;
  }

  /**
   * A publisher on this bus, closed by {@link shutdown}. Uses the bus's codec
   * unless `options.codec` says otherwise.
   */
  connectPublisher(options: PublisherOptions = {}): Publisher {
    this.#assertOpen();
    return this.#track(
      new Publisher(this.#endpoint(), { codec: this.codec, curve: this.#curve(), ...options }),
    );
  }

  /**
   * A subscriber on this bus for `topics` (prefixes; default: everything),
   * closed by {@link shutdown}. `await subscriber.ready()` before relying on
   * delivery.
   */
  connectSubscriber(
    topics?: string | readonly string[],
    options: SubscriberOptions = {},
  ): Subscriber {
    this.#assertOpen();
    return this.#track(
      new Subscriber(this.#endpoint(), {
        codec: this.codec,
        logger: this.#logger,
        curve: this.#curve(),
        ...options,
        topics: topics ?? options.topics ?? "",
      }),
    );
  }

  /**
   * Leaves the bus (other members withdraw this one's signals at once),
   * closes every publisher and subscriber the bus made (pending receives and
   * iterations end cleanly) and, on the host, stops the forwarder.
   * Idempotent: every call returns the same promise.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#close();
    return this.#shutdown;
  }

  /** `await using bus = new VirtualBus()` shuts it down at scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  #endpoint(): Endpoint {
    return this.#joined ?? this.#forwarder!;
  }

  #curve(): { serverKey: string } | undefined {
    const serverKey = this.#joined?.curveServerKey;
    return serverKey === undefined ? undefined : { serverKey };
  }

  #assertOpen(): void {
    if (this.#shutdown) throw new Error("This VirtualBus was shut down; create a new one.");
  }

  #track<T extends Publisher | Subscriber>(socket: T): T {
    // Forget what was closed meanwhile, so a long-lived bus does not accumulate.
    for (const known of this.#sockets) if (known.closed) this.#sockets.delete(known);
    this.#sockets.add(socket);
    return socket;
  }

  async #close(): Promise<void> {
    // Waits for a start under way, so that its sockets exist to be closed.
    for (const step of [this.#bound, this.#started]) await step?.catch(() => undefined);
    await this.membership.close();
    for (const socket of this.#sockets) socket.close();
    this.#sockets.clear();
    await this.#forwarder?.stop();
  }
}

function checkAddress(address: unknown): asserts address is BusAddress {
  const value = address as Partial<Record<keyof BusAddress, unknown>> | null;
  if (
    typeof value !== "object" ||
    value === null ||
    typeof value.publishAddress !== "string" ||
    typeof value.subscribeAddress !== "string" ||
    typeof value.host !== "string" ||
    (value.curveServerKey !== undefined && typeof value.curveServerKey !== "string")
  ) {
    throw new TypeError(
      "VirtualBus.join needs a bus address: { publishAddress, subscribeAddress, host, curveServerKey? }, as a host's bus.address gives.",
    );
  }
}
