import type { CodecOptions } from "@sunflare/codec";
import { Codec } from "@sunflare/codec";
import type {
  Endpoint,
  ForwarderOptions,
  PublisherOptions,
  SubscriberOptions,
} from "@sunflare/forwarder";
import { Forwarder, Publisher, Subscriber } from "@sunflare/forwarder";
import type { MemberState } from "@sunflare/signal";
import { BusMember, SignalBus, SignalRegistry } from "@sunflare/signal";
import type { Logger } from "@sunflare/wire";
import { ClosedError, defaultLogger, isInprocAddress, SunflareError } from "@sunflare/wire";
import { ZmqLink } from "./link.js";
import { assertNameFree, checkBusName, publishBusName, resolveBusName } from "./named.js";

export type { WiringEntry } from "@sunflare/signal";

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
export interface JoinOptions extends Pick<
  VirtualBusOptions,
  "logger" | "codec" | "heartbeatMs" | "missedHeartbeats"
> {
  /** Milliseconds to wait for the host's answer before `join` rejects (default 10,000). */
  joinTimeoutMs?: number;
  /**
   * When the host is gone: `true` keeps the member and its plugins
   * (`bus.state` is `"rejoining"`) and rejoins the next host that answers
   * at the same address, a new host process included; `false` shuts the bus
   * down, as protocol version 1 did. Default: `true` over ipc and tcp,
   * `false` over inproc (its host lived in this process: nobody can answer
   * there again).
   */
  rejoin?: boolean;
}

/** Options of a {@link VirtualBus}. */
export interface VirtualBusOptions {
  /**
   * Makes the bus reachable by name from other processes of this user
   * (`VirtualBus.join("scope")`, `sunflare --bus scope`): its address is
   * written to `<runtime>/sunflare/<name>.json` once ready (started at once)
   * and removed at shutdown. An inproc bus adds an ipc transport for them.
   *
   * @throws SunflareError (`"refused"`) from the constructor when a live bus has that name
   */
  name?: string;
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
}

/**
 * What a bus is on its bus: the host, which owns the forwarder (what `new
 * VirtualBus()` makes), or a member that joined a host's address (what
 * {@link VirtualBus.join} makes).
 */
export type Role =
  | { readonly kind: "host"; readonly forwarder: Forwarder }
  | {
      readonly kind: "member";
      readonly address: BusAddress;
      readonly joinTimeoutMs?: number;
      readonly rejoin?: boolean;
    };

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
export class VirtualBus extends SignalBus implements AsyncDisposable {
  /** The codec shared by the publishers and subscribers the bus makes, and by emissions between members. */
  readonly codec: Codec;
  readonly #role: Role;
  readonly #logger: Logger;
  readonly #sockets = new Set<Publisher | Subscriber>();
  #ready: Promise<void> | undefined;
  #shutdown: Promise<void> | undefined;
  #unpublish: (() => void) | undefined;
  /** The name other processes find this bus by ({@link VirtualBusOptions.name}), if it has one. */
  readonly name: string | undefined;

  /**
   * A bus's host: it owns the forwarder. Other threads, processes and
   * machines join it with {@link VirtualBus.join} once {@link ready} resolved.
   *
   * @param options see {@link VirtualBusOptions}
   * @param role leave it out: {@link VirtualBus.join} gives the member role
   */
  constructor(options: VirtualBusOptions = {}, role?: Role) {
    const logger = options.logger ?? defaultLogger;
    if (options.name !== undefined) {
      checkBusName(options.name);
      if (role !== undefined)
        throw new TypeError("Only a host can be named; a member joins a name.");
      assertNameFree(options.name);
    }
    const registry = new SignalRegistry({ logger });
    const codec = new Codec(options.codec);
    const ownRole: Role = role ?? {
      kind: "host",
      forwarder: new Forwarder({ logger, ...options.forwarder }),
    };
    const joined = ownRole.kind === "member" ? ownRole.address : undefined;
    const membership = new BusMember({
      registry,
      link: new ZmqLink({
        endpoint: ownRole.kind === "member" ? ownRole.address : ownRole.forwarder,
        curve: curveOf(ownRole),
        logger,
      }),
      codec,
      host: joined?.host ?? true,
      heartbeatMs: options.heartbeatMs,
      missedHeartbeats: options.missedHeartbeats,
      joinTimeoutMs: ownRole.kind === "member" ? ownRole.joinTimeoutMs : undefined,
      // Nobody can answer again at an inproc address once its host is gone: it lived in this process.
      rejoin:
        ownRole.kind === "member" &&
        (ownRole.rejoin ?? !isInprocAddress(ownRole.address.publishAddress)),
      logger,
    });
    super(registry, membership);
    this.codec = codec;
    this.#role = ownRole;
    this.#logger = logger;
    this.name = options.name;
    if (this.name !== undefined) {
      // Reachable by name without anyone calling ready(); its failure is reported here and by ready().
      this.ready().catch((error: unknown) =>
        logger.error(`Bus "${String(this.name)}" could not be published`, error),
      );
    }
    membership.on("closed", (reason) => {
      // The host is gone: this member has closed itself; release the rest.
      if (reason !== undefined) void this.shutdown();
    });
  }

  /**
   * Makes a member of the bus at `address` (a host's `bus.address`, or the
   * name of a named bus of this user): in a worker thread, a child process,
   * or on another machine. Resolves once
   * the host answered, so the host's registry is known; rejects with a
   * `TimeoutError` when the host does not answer within `joinTimeoutMs`
   * (default 10 s).
   *
   * @example
   * ```ts
   * // worker.ts
   * const bus = await VirtualBus.join(workerData.address);
   * bus.connect("Camera", "sigFrame", onFrame, { deferred: true });
   * // another process of this user
   * const scope = await VirtualBus.join("scope");
   * ```
   *
   * @throws SunflareError (`"unknown"`) for a name no live bus has (the message lists those that exist)
   */
  static async join(target: BusAddress | string, options: JoinOptions = {}): Promise<VirtualBus> {
    const address = typeof target === "string" ? resolveBusName(target) : target;
    checkAddress(address);
    const { joinTimeoutMs, rejoin, ...rest } = options;
    const bus = new VirtualBus(rest, { kind: "member", address, joinTimeoutMs, rejoin });
    await bus.ready();
    return bus;
  }

  /**
   * The forwarder behind the data streams (the host's; its addresses let
   * other threads and processes join).
   *
   * @throws SunflareError (`"refused"`) on a member made by {@link VirtualBus.join}, which has none of its own
   */
  get forwarder(): Forwarder {
    if (this.#role.kind === "member") {
      throw new SunflareError(
        "refused",
        "A member of a bus has no forwarder of its own; its address is bus.address.",
      );
    }
    return this.#role.forwarder;
  }

  /**
   * Where this bus is, as plain JSON, for {@link VirtualBus.join} in a
   * worker thread, another process or on another machine.
   *
   * @throws SunflareError (`"not-ready"`) on a host before {@link ready} resolved (its addresses are not final yet)
   */
  get address(): BusAddress {
    if (this.#role.kind === "member") {
      // After a rejoin, the host answering at this address is another member.
      const host = this.membership.host ?? this.#role.address.host;
      return host === this.#role.address.host
        ? this.#role.address
        : { ...this.#role.address, host };
    }
    const { forwarder } = this.#role;
    if (!forwarder.running || !this.membership.running) {
      throw new SunflareError(
        "not-ready",
        "bus.address is known once `await bus.ready()` resolved.",
      );
    }
    const address: { -readonly [K in keyof BusAddress]: BusAddress[K] } = {
      publishAddress: forwarder.publishAddress,
      subscribeAddress: forwarder.subscribeAddress,
      host: this.member,
    };
    if (forwarder.curveServerKey !== undefined) address.curveServerKey = forwarder.curveServerKey;
    return address;
  }

  /**
   * Where this bus stands on its bus: `"joined"`, `"rejoining"` (a member
   * whose host is gone, waiting for a host to answer at its address again)
   * or `"closed"`; `"new"`/`"joining"` before {@link ready} resolved.
   * `membership` emits `state`, `host-lost` and `rejoined` as it changes.
   */
  get state(): MemberState {
    return this.isShutdown ? "closed" : this.membership.state;
  }

  /** Whether {@link shutdown} was called. */
  get isShutdown(): boolean {
    return this.#shutdown !== undefined;
  }

  /**
   * Opens the bus to other members and resolves once it can be joined. On
   * the host: the forwarder is bound (tcp with port 0 included), the host's
   * membership has started, and {@link address} is final. On a member: the
   * host has answered. Membership starts here, and only here: a bus used
   * within one thread never calls it and keeps its forwarder to its data
   * streams alone.
   */
  ready(): Promise<void> {
    if (this.#shutdown && !this.#ready) {
      return Promise.reject(new ClosedError("This VirtualBus (shut down)"));
    }
    this.#ready ??= (async () => {
      if (this.#role.kind === "host") await this.#role.forwarder.start();
      await this.membership.start();
      if (this.name !== undefined && !this.#shutdown) await this.#publish(this.name);
    })();
    return this.#ready;
  }

  /**
   * A publisher on this bus, closed by {@link shutdown}. Uses the bus's codec
   * unless `options.codec` says otherwise.
   */
  connectPublisher(options: PublisherOptions = {}): Publisher {
    this.#assertOpen();
    return this.#track(
      new Publisher(this.#endpoint(), {
        codec: this.codec,
        curve: curveOf(this.#role),
        ...options,
      }),
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
        curve: curveOf(this.#role),
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
    return this.#role.kind === "member" ? this.#role.address : this.#role.forwarder;
  }

  #assertOpen(): void {
    if (this.#shutdown) {
      throw new SunflareError("closed", "This VirtualBus was shut down; create a new one.");
    }
  }

  #track<T extends Publisher | Subscriber>(socket: T): T {
    // Forget what was closed meanwhile, so a long-lived bus does not accumulate.
    for (const known of this.#sockets) if (known.closed) this.#sockets.delete(known);
    this.#sockets.add(socket);
    return socket;
  }

  async #publish(name: string): Promise<void> {
    const own = this.address;
    // Other processes cannot reach inproc: they get an ipc bridge.
    const reachable = own.publishAddress.startsWith("inproc://")
      ? { ...own, ...(await this.forwarder.addTransport("ipc")) }
      : own;
    if (this.#shutdown) return;
    this.#unpublish = publishBusName(name, reachable);
  }

  async #close(): Promise<void> {
    // Closing first makes a join under way reject (ClosedError) instead of waiting for its host.
    const leaving = this.membership.close();
    await this.#ready?.catch(() => undefined);
    this.#unpublish?.();
    await leaving;
    for (const socket of this.#sockets) socket.close();
    this.#sockets.clear();
    if (this.#role.kind === "host") await this.#role.forwarder.stop();
  }
}

/** A member's CURVE client option, from the key in the address it joined. */
function curveOf(role: Role): { serverKey: string } | undefined {
  const serverKey = role.kind === "member" ? role.address.curveServerKey : undefined;
  return serverKey === undefined ? undefined : { serverKey };
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
