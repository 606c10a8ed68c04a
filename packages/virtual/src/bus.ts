import type { CodecOptions } from "@sunflare/codec";
import { Codec } from "@sunflare/codec";
import type { ForwarderOptions, PublisherOptions, SubscriberOptions } from "@sunflare/forwarder";
import { Forwarder, Publisher, Subscriber } from "@sunflare/forwarder";
import type {
  Connection,
  Logger,
  RegisterOptions,
  RegistryConnectOptions,
  SignalNameFor,
  SignalsFor,
  SlotFor,
} from "@sunflare/signal";
import { defaultLogger, SignalRegistry } from "@sunflare/signal";

/** Options of a {@link VirtualBus}. */
export interface VirtualBusOptions {
  /** Receives the registry's and the data streams' reports (default: console, warnings and errors). */
  logger?: Logger;
  /** How the bus's forwarder binds (default: inproc, unique to this bus). */
  forwarder?: ForwarderOptions;
  /** Codec of the publishers and subscribers the bus makes. */
  codec?: CodecOptions;
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
  /** The forwarder behind the data streams; its addresses let other threads and processes join. */
  readonly forwarder: Forwarder;
  /** The signal registry behind {@link registerSignals}, {@link signals} and {@link connect}. */
  readonly registry: SignalRegistry;
  /** The codec shared by the publishers and subscribers the bus makes. */
  readonly codec: Codec;
  readonly #logger: Logger;
  readonly #sockets = new Set<Publisher | Subscriber>();
  #shutdown: Promise<void> | undefined;

  constructor(options: VirtualBusOptions = {}) {
    this.#logger = options.logger ?? defaultLogger;
    this.registry = new SignalRegistry({ logger: this.#logger });
    this.forwarder = new Forwarder({ logger: this.#logger, ...options.forwarder });
    this.codec = new Codec(options.codec);
  }

  /** Whether {@link shutdown} was called. */
  get isShutdown(): boolean {
    return this.#shutdown !== undefined;
  }

  /**
   * Registers the {@link Signal} fields of `owner` under
   * `options.name ?? owner.constructor.name`. See `SignalRegistry.registerSignals`.
   */
  registerSignals(owner: object, options?: RegisterOptions): void {
    this.registry.registerSignals(owner, options);
  }

  /**
   * The signals registered under `name`; an unknown name logs an error and
   * returns an empty, frozen record. Typed through `SignalMap`.
   */
  signals<const Name extends string>(name: Name): SignalsFor<Name> {
    return this.registry.signals(name);
  }

  /** Whether anything is registered under `name`. */
  has(name: string): boolean {
    return this.registry.has(name);
  }

  /** The registered names. */
  names(): string[] {
    return this.registry.names();
  }

  /**
   * Connects `slot` to signal `signal` of `name`. Never throws for a missing
   * owner or signal: it logs a warning, or with `deferred: true` connects as
   * soon as the signal is registered.
   */
  connect<const Name extends string, const Key extends string>(
    name: Name,
    signal: Key & SignalNameFor<Name>,
    slot: SlotFor<Name, Key>,
    options?: RegistryConnectOptions,
  ): Connection {
    return this.registry.connect(name, signal, slot, options);
  }

  /**
   * Resolves once the forwarder is bound: its addresses are final (tcp with
   * port 0 included) and other threads or processes can be told about them.
   */
  async ready(): Promise<void> {
    this.#assertOpen();
    await this.forwarder.start();
  }

  /**
   * A publisher on this bus, closed by {@link shutdown}. Uses the bus's codec
   * unless `options.codec` says otherwise.
   */
  connectPublisher(options: PublisherOptions = {}): Publisher {
    this.#assertOpen();
    return this.#track(new Publisher(this.forwarder, { codec: this.codec, ...options }));
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
      new Subscriber(this.forwarder, {
        codec: this.codec,
        logger: this.#logger,
        ...options,
        topics: topics ?? options.topics ?? "",
      }),
    );
  }

  /**
   * Closes every publisher and subscriber the bus made (pending receives and
   * iterations end cleanly) and stops the forwarder. Idempotent: every call
   * returns the same promise.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#close();
    return this.#shutdown;
  }

  /** `await using bus = new VirtualBus()` shuts it down at scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
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
    for (const socket of this.#sockets) socket.close();
    this.#sockets.clear();
    await this.forwarder.stop();
  }
}
