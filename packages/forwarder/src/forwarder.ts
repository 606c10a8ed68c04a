import type { XPublisher, XSubscriber } from "zeromq";
import type { CurveKeyPair } from "./curve.js";
import type { BindPlan, ForwarderAddresses, Transport } from "./endpoints.js";
import { bindsAllInterfaces, planEndpoints, removeFiles } from "./endpoints.js";
import type { Logger } from "./logger.js";
import { defaultLogger } from "./logger.js";
import type { Bridge } from "./bridge.js";
import { openBridge } from "./bridge.js";
import type { RunningProxy } from "./proxy.js";
import { startProxy } from "./proxy.js";
import { SYNC_TOPIC } from "./topic.js";
import { proxyPair } from "./pair.js";

/** Publish addresses of the forwarders running in this thread, by subscribe address. */
const running = new Map<string, string>();

/** The publish address of a forwarder running in this thread, from its subscribe address. @internal */
export function localPublishAddress(subscribeAddress: string): string | undefined {
  return running.get(subscribeAddress);
}

/** Options of a {@link Forwarder}. */
export interface ForwarderOptions {
  /**
   * `"inproc"` (default): this process only, including its `worker_threads`
   * (zeromq's global context is shared by all threads). `"ipc"`: other
   * processes on this machine, through socket files in `os.tmpdir()`.
   * `"tcp"`: other machines.
   */
  transport?: Transport;
  /**
   * tcp: interface to bind (default `127.0.0.1`). Binding every interface
   * (`"0.0.0.0"`, `"*"`, `"::"`) must be asked for explicitly and is logged
   * as a warning.
   */
  host?: string;
  /** tcp: port of the publisher side (default 0: a free port). */
  publishPort?: number;
  /** tcp: port of the subscriber side (default 0: a free port). */
  subscribePort?: number;
  /**
   * Messages queued per peer on each side of the forwarder (default 10,000).
   * See the package README, "Flow control".
   */
  highWaterMark?: number;
  /**
   * `false` (default): a subscriber whose queue is full loses the newest
   * messages, and nobody else notices. `true`: the forwarder waits for the
   * slowest subscriber instead, and the wait reaches every publisher's `send`.
   */
  noDrop?: boolean;
  /**
   * Largest message (bytes, all frames) a peer may send to the forwarder; a
   * peer sending more is disconnected (tcp and ipc; default: no limit).
   */
  maxMessageSize?: number;
  /**
   * tcp/ipc: run as CURVE server with this key pair (see `curveKeyPair`).
   * Only peers that know `publicKey` can connect; traffic is encrypted.
   */
  curve?: CurveKeyPair;
  /** Receives the warning about binding every interface, and proxy failures. */
  logger?: Logger;
}

/** Options of {@link Forwarder.addTransport}: how the second transport binds. */
export type AddedTransportOptions = Pick<
  ForwarderOptions,
  "host" | "publishPort" | "subscribePort" | "maxMessageSize" | "curve"
>;

type State = "new" | "starting" | "running" | "stopped";

/**
 * The hub of the data streams: an XSUB socket bound for publishers and an
 * XPUB socket bound for subscribers, joined by zeromq's `Proxy`, which runs
 * `zmq_proxy` on a native thread (a libuv pool thread) so forwarding never
 * touches the JavaScript event loop.
 *
 * @example
 * ```ts
 * const forwarder = new Forwarder();          // inproc, unique endpoints
 * await forwarder.start();
 * const subscriber = new Subscriber(forwarder, { topics: "camera" });
 * const publisher = new Publisher(forwarder);
 * await subscriber.ready();
 * await publisher.send("camera/frames", { n: 1 });
 * (await subscriber.receive()).value;          // { n: 1 }
 * publisher.close(); subscriber.close();
 * await forwarder.stop();
 * ```
 */
export class Forwarder implements ForwarderAddresses {
  readonly #options: ForwarderOptions;
  readonly #logger: Logger;
  readonly #plan: BindPlan;
  #state: State = "new";
  #publishAddress: string | undefined;
  #subscribeAddress: string | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;
  #xsub: XSubscriber | undefined;
  #xpub: XPublisher | undefined;
  #proxy: RunningProxy | undefined;
  readonly #bridges = new Map<Transport, Promise<Bridge>>();

  constructor(options: ForwarderOptions = {}) {
    this.#options = { ...options };
    this.#logger = options.logger ?? defaultLogger;
    const transport = options.transport ?? "inproc";
    if (options.curve && transport === "inproc") {
      throw new TypeError(
        'curve needs the "tcp" or "ipc" transport: inproc has no handshake to secure.',
      );
    }
    this.#plan = planEndpoints(
      transport,
      options.host ?? "127.0.0.1",
      options.publishPort ?? 0,
      options.subscribePort ?? 0,
    );
    if (transport !== "tcp") {
      this.#publishAddress = this.#plan.publish;
      this.#subscribeAddress = this.#plan.subscribe;
    }
  }

  /** The transport in use. */
  get transport(): Transport {
    return this.#options.transport ?? "inproc";
  }

  /**
   * Where publishers connect. Final once {@link start} resolved (tcp with
   * port 0 only learns its port then; reading it earlier throws).
   */
  get publishAddress(): string {
    return this.#address(this.#publishAddress);
  }

  /** Where subscribers connect. Final once {@link start} resolved. */
  get subscribeAddress(): string {
    return this.#address(this.#subscribeAddress);
  }

  /** The CURVE server public key, if the forwarder runs with `curve`. */
  get curveServerKey(): string | undefined {
    return this.#options.curve?.publicKey;
  }

  /** Whether {@link start} completed and {@link stop} was not called. */
  get running(): boolean {
    return this.#state === "running";
  }

  /**
   * Binds both sides and starts forwarding. Idempotent: every call returns
   * the same promise. Rejects if an address cannot be bound (port in use).
   */
  start(): Promise<void> {
    if (this.#state === "stopped")
      return Promise.reject(new Error("Forwarder was stopped; create a new one."));
    this.#started ??= this.#start();
    return this.#started;
  }

  /**
   * Stops forwarding, closes both sockets and removes ipc socket files.
   * Idempotent. Publishers and subscribers are not closed here (their owner
   * closes them, e.g. `VirtualBus.shutdown()`); close them first so nothing
   * is left waiting for this forwarder.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  /**
   * Makes the forwarder reachable over `transport` too, for peers in other
   * processes (or machines) when it runs over inproc, and resolves with the
   * addresses they connect to (the same for the same transport again). A
   * bridge does it: two more proxies, each on a libuv pool thread (see the
   * README, "Transports"), stopped with the forwarder. Readiness holds
   * across it: `subscriber.ready()` on either side covers publishers on both.
   *
   * @example
   * ```ts
   * const forwarder = new Forwarder();                  // inproc
   * const { publishAddress } = await forwarder.addTransport("ipc");
   * // a child process: new Publisher(publishAddress)
   * ```
   */
  addTransport(
    transport: Exclude<Transport, "inproc">,
    options: AddedTransportOptions = {},
  ): Promise<ForwarderAddresses> {
    if (transport === this.transport) {
      return this.start().then(() => ({
        publishAddress: this.publishAddress,
        subscribeAddress: this.subscribeAddress,
      }));
    }
    let bridge = this.#bridges.get(transport);
    if (bridge === undefined) {
      bridge = this.start().then(() => {
        const host = options.host ?? "127.0.0.1";
        if (transport === "tcp") this.#warnIfAllInterfaces(host);
        const plan = planEndpoints(
          transport,
          host,
          options.publishPort ?? 0,
          options.subscribePort ?? 0,
        );
        const settings = { ...this.#options, ...options, host };
        return openBridge(this, plan, settings, (error) =>
          this.#logger.error(`Forwarder bridge over ${transport} failed`, error),
        );
      });
      this.#bridges.set(transport, bridge);
      // A bridge that could not open may be asked for again.
      bridge.catch(() => this.#bridges.delete(transport));
    }
    return bridge.then((open) => open.addresses);
  }

  /** `await using forwarder = new Forwarder()` stops it at scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #address(value: string | undefined): string {
    if (value === undefined) {
      throw new Error("The forwarder's tcp addresses are known once start() has resolved.");
    }
    return value;
  }

  #warnIfAllInterfaces(host: string): void {
    if (!bindsAllInterfaces(host)) return;
    this.#logger.warn(
      `Forwarder binds every network interface (${host}): any host that can reach this machine can join the bus.`,
    );
  }

  async #start(): Promise<void> {
    this.#state = "starting";
    const options = this.#options;
    if (this.transport === "tcp") this.#warnIfAllInterfaces(options.host ?? "127.0.0.1");
    try {
      const { xsub, xpub } = proxyPair(options);
      this.#xsub = xsub;
      this.#xpub = xpub;
      await xsub.bind(this.#plan.publish);
      await xpub.bind(this.#plan.subscribe);
      // Every publisher forwards everything; filtering happens here, at the
      // XPUB, which applies a subscription before it passes the notice on.
      // That is what makes readiness a fact of the forwarder alone (see the
      // README, "Readiness"). XSUB hands its subscription set to each
      // publisher that connects in one batch, "" first, the sync topic
      // after it: a publisher that sees the sync topic forwards everything.
      await xsub.send(Buffer.of(1));
      await xsub.send(Buffer.concat([Buffer.of(1), Buffer.from(SYNC_TOPIC)]));
      this.#publishAddress = xsub.lastEndpoint ?? this.#plan.publish;
      this.#subscribeAddress = xpub.lastEndpoint ?? this.#plan.subscribe;
      if (this.#state !== "starting") throw new Error("Forwarder was stopped while starting.");
      this.#proxy = startProxy(xsub, xpub, (error) =>
        this.#logger.error("Forwarder proxy failed", error),
      );
      this.#state = "running";
      running.set(this.#subscribeAddress, this.#publishAddress);
    } catch (error) {
      this.#xsub?.close();
      this.#xpub?.close();
      removeFiles(this.#plan.files);
      if (this.#state === "starting") this.#state = "new";
      this.#started = undefined;
      throw error;
    }
  }

  async #stop(): Promise<void> {
    const wasStarting = this.#started;
    this.#state = "stopped";
    if (wasStarting) await wasStarting.catch(() => undefined);
    if (this.#subscribeAddress !== undefined) running.delete(this.#subscribeAddress);
    // Bridges first: they are peers of this forwarder.
    const bridges = await Promise.allSettled(this.#bridges.values());
    for (const bridge of bridges) if (bridge.status === "fulfilled") await bridge.value.stop();
    if (this.#proxy) {
      await this.#proxy.stop();
    } else {
      this.#xsub?.close();
      this.#xpub?.close();
    }
    removeFiles(this.#plan.files);
  }
}
