import { Proxy, XPublisher, XSubscriber } from "zeromq";
import type { CurveKeyPair } from "./curve.js";
import { applyCurveServer } from "./curve.js";
import type { BindPlan, ForwarderAddresses, Transport } from "./endpoints.js";
import { bindsAllInterfaces, planEndpoints, removeFiles } from "./endpoints.js";
import { forgetAtExit, releaseAtExit } from "./exit.js";
import type { Logger } from "./logger.js";
import { defaultLogger } from "./logger.js";
import { SYNC_TOPIC } from "./topic.js";

/**
 * zeromq.js names each proxy's control endpoint after the address of its
 * native object, and libzmq unbinds a closed inproc endpoint asynchronously.
 * A proxy whose JS object was collected (while running, or just after) could
 * see its address, and so its endpoint name, taken by a new proxy, which
 * then fails with EADDRINUSE. So the most recent stopped proxies stay
 * referenced (running ones are, by the exit registry).
 */
const recentProxies: Proxy[] = [];
const RECENT_PROXIES_KEPT = 64;

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
  #proxy: Proxy | undefined;
  #running: Promise<void> | undefined;

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

  async #start(): Promise<void> {
    this.#state = "starting";
    const options = this.#options;
    const host = options.host ?? "127.0.0.1";
    if (this.transport === "tcp" && bindsAllInterfaces(host)) {
      this.#logger.warn(
        `Forwarder binds every network interface (${host}): any host that can reach this machine can join the bus.`,
      );
    }
    const highWaterMark = options.highWaterMark ?? 10_000;
    const xsub = new XSubscriber({
      linger: 0,
      receiveHighWaterMark: highWaterMark,
      sendHighWaterMark: highWaterMark,
    });
    const xpub = new XPublisher({
      linger: 0,
      sendHighWaterMark: highWaterMark,
      noDrop: options.noDrop ?? false,
    });
    this.#xsub = xsub;
    this.#xpub = xpub;
    try {
      for (const socket of [xsub, xpub]) {
        if (options.maxMessageSize !== undefined) socket.maxMessageSize = options.maxMessageSize;
        if (options.curve) applyCurveServer(socket, options.curve);
        if (host.includes(":")) socket.ipv6 = true;
      }
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
      const proxy = new Proxy(xsub, xpub);
      this.#proxy = proxy;
      this.#running = proxy.run().catch((error: unknown) => {
        if (this.#state !== "stopped") this.#logger.error("Forwarder proxy failed", error);
      });
      releaseAtExit(proxy, () => proxy.terminate());
      void this.#running.finally(() => {
        forgetAtExit(proxy);
        recentProxies.push(proxy);
        if (recentProxies.length > RECENT_PROXIES_KEPT) recentProxies.shift();
      });
      this.#state = "running";
      running.set(this.#subscribeAddress, this.#publishAddress);
    } catch (error) {
      xsub.close();
      xpub.close();
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
    if (this.#proxy) {
      // The proxy closes both sockets itself when it ends.
      this.#proxy.terminate();
      await this.#running;
    } else {
      this.#xsub?.close();
      this.#xpub?.close();
    }
    removeFiles(this.#plan.files);
  }
}
