import { EventEmitter } from "node:events";
import type { Codec } from "@sunflare/codec";
import type { ConnectInfo, Endpoint } from "./connect.js";
import { resolveEndpoint } from "./connect.js";
import type { CurveClientOptions } from "./curve.js";
import { ClosedError } from "./errors.js";
import { localPublishAddress } from "./forwarder.js";
import type { Logger } from "./logger.js";
import { defaultLogger } from "./logger.js";
import type { Message } from "./message.js";
import { OffThreadSource } from "./off-thread.js";
import { MessageReader } from "./reader.js";
import { SocketSource } from "./socket-source.js";
import type { FrameSource } from "./source.js";
import { presenceTopic } from "./topic.js";
import { acquireWitness } from "./witness.js";

/** Options of a {@link Subscriber}. */
export interface SubscriberOptions {
  /**
   * Topic prefixes to receive: one string or a list. `""` (the default when
   * none is given) receives everything.
   */
  topics?: string | readonly string[];
  /** Decodes {@link Message.value} (default: `@sunflare/codec`'s `decode`). */
  codec?: Codec;
  /**
   * Called for every message, one at a time (a returned promise is awaited
   * before the next message). Errors it throws or rejects with are reported
   * (see {@link SubscriberEvents}) and the next message is processed. With
   * `consume`, {@link Subscriber.receive} and iteration are not available.
   */
  consume?: (message: Message) => void | Promise<void>;
  /** Closes the subscriber when aborted. */
  signal?: AbortSignal;
  /**
   * Whether `Publisher.subscribers` and `Publisher.waitForSubscribers` count
   * this subscriber (default `true`). The bus's own subscribers (a bus
   * member's protocol traffic) are not counted, so that a publisher waiting
   * for an audience of its data waits for one.
   */
  counted?: boolean;
  /**
   * Messages this subscriber queues while it is busy, beyond those the
   * forwarder queues for it (default 10,000). When both queues are full the
   * newest messages for this subscriber are dropped. See the package README,
   * "Flow control".
   */
  highWaterMark?: number;
  /**
   * Never drop messages for this subscriber: its queue grows without limit
   * (memory is the cost) instead. Publishers and other subscribers are not
   * slowed. Overrides {@link highWaterMark}. Over ipc/tcp the forwarder's
   * own per-peer queue still applies; a forwarder with `noDrop` is the
   * lossless option there.
   */
  noDrop?: boolean;
  /**
   * Largest message (bytes, all frames) this subscriber accepts (tcp/ipc).
   * A larger message is dropped and ZeroMQ resets the connection; the
   * subscriber reports it (see {@link SubscriberEvents}) and reconnects.
   * Messages sent meanwhile are lost: call {@link Subscriber.ready} again
   * before relying on delivery. Prefer `ForwarderOptions.maxMessageSize`,
   * which stops oversize messages before they reach any subscriber.
   */
  maxMessageSize?: number;
  /** CURVE client keys, for a forwarder running with `curve` (automatic when given the Forwarder object). */
  curve?: CurveClientOptions;
  /** Where errors go when no `error` listener is attached (default: console). */
  logger?: Logger;
  /**
   * Receive in a worker thread (default `false`): ZeroMQ's per-message work
   * then runs on another core, and messages reach this thread in batches.
   * For high-rate streams on a busy thread; it costs a worker thread per
   * subscriber (memory, and tens of milliseconds to start) and a thread hop
   * of latency per batch. Not available with {@link maxMessageSize}. See the
   * package README, "Receiving off the thread".
   */
  offThread?: boolean;
}

/**
 * Events of a {@link Subscriber}.
 *
 * `error` carries what a consumer threw, a `MalformedMessageError`, or a
 * receive failure, with the topic of the message concerned (if any). Without
 * a listener the error goes to the logger; either way the subscriber goes on
 * with the next message.
 */
export interface SubscriberEvents {
  error: [error: unknown, topic: string | undefined];
}

const noop = (): void => undefined;
let nextId = 0;

/**
 * Receives the messages of a {@link Forwarder} whose topic starts with one of
 * its topic prefixes, three ways: a `consume` callback, `await receive()`,
 * or `for await (const message of subscriber)`.
 *
 * Call {@link ready} before relying on delivery: subscriptions travel to the
 * forwarder asynchronously, and a message that reaches it before they do is
 * not delivered (ZeroMQ pub/sub semantics).
 *
 * @example
 * ```ts
 * const subscriber = new Subscriber(forwarder, { topics: ["temperature", "humidity"] });
 * await subscriber.ready();
 * for await (const message of subscriber) {
 *   console.log(message.topic, message.value);
 * }
 * ```
 */
export class Subscriber extends EventEmitter<SubscriberEvents> implements AsyncIterable<Message> {
  readonly #source: FrameSource;
  readonly #reader: MessageReader;
  readonly #codec: Codec | undefined;
  readonly #logger: Logger;
  readonly #id = `${process.pid}-${Date.now().toString(36)}-${(nextId++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  /** Changed here alone; the reader filters the bus's own topics by it. */
  readonly #topics: string[] = [];
  readonly #connected: Promise<ConnectInfo>;
  readonly #consume: SubscriberOptions["consume"];
  // Woken by close(). A Set, so that each wait removes itself when done
  // instead of piling reactions on a promise that settles only at close.
  readonly #closeWaiters = new Set<() => void>();
  #isConnected = false;
  /** Presence generation: a new one whenever the topics changed since the last ready(). */
  #generation = 0;
  /** Presence generations below this one are unsubscribed. */
  #retired = 0;
  #stale = false;
  readonly #counted: boolean;
  #closed = false;
  #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.close();

  /**
   * @param endpoint a {@link Forwarder} of this process (started if needed),
   *   its {@link ForwarderAddresses}, or the forwarder's `subscribeAddress`
   */
  constructor(endpoint: Endpoint, options: SubscriberOptions = {}) {
    super();
    this.#codec = options.codec;
    this.#logger = options.logger ?? defaultLogger;
    this.#consume = options.consume;
    this.#counted = options.counted ?? true;
    const topics = options.topics ?? "";
    for (const topic of typeof topics === "string" ? [topics] : topics) this.#addTopic(topic);
    if (this.#topics.length === 0) this.#topics.push("");
    const highWaterMark = options.noDrop ? 0 : (options.highWaterMark ?? 10_000);
    const maxMessageSize = options.maxMessageSize;
    if (options.offThread && maxMessageSize !== undefined) {
      throw new TypeError("A Subscriber with offThread does not support maxMessageSize.");
    }
    this.#source = options.offThread
      ? new OffThreadSource(highWaterMark, (error) => {
          this.#report(error, undefined);
          this.close();
        })
      : new SocketSource(
          highWaterMark,
          maxMessageSize === undefined
            ? undefined
            : {
                maxMessageSize,
                resets: {
                  // Messages may have been lost: the next ready() starts afresh.
                  lost: () => (this.#stale = true),
                  report: (error) => this.#report(error, undefined),
                },
              },
        );
    this.#reader = new MessageReader(this.#source, this.#codec, this.#topics, (error, topic) =>
      this.#report(error, topic),
    );
    this.#connected = resolveEndpoint(endpoint, "subscribe", options.curve).then((info) => {
      if (this.#closed) throw new ClosedError("Subscriber");
      this.#source.connect(info);
      // Subscribing only now that the connection (and its pipe) exists keeps
      // the subscriptions in order on the wire: the presence topic is last,
      // so whoever sees it has seen the topics too.
      for (const topic of this.#topics) this.#source.subscribe(topic);
      this.#source.subscribe(presenceTopic(this.#id, this.#generation, this.#counted));
      this.#isConnected = true;
      return info;
    });
    this.#connected.catch((error: unknown) => {
      if (this.#closed) return;
      // Nothing will ever arrive: report it, and end reads and iteration.
      this.#report(error, undefined);
      this.close();
    });
    this.#signal = options.signal;
    if (this.#signal?.aborted) this.close();
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (this.#consume) void this.#reader.consume(this.#consume);
  }

  /** The topic prefixes currently subscribed. */
  get topics(): readonly string[] {
    return [...this.#topics];
  }

  /** Whether {@link close} was called (or the signal aborted). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Adds a topic prefix. Call {@link ready} again before relying on it. */
  subscribe(topic: string): void {
    if (this.#closed) throw new ClosedError("Subscriber");
    if (!this.#addTopic(topic)) return;
    if (this.#isConnected) this.#source.subscribe(topic);
    this.#stale = true;
  }

  /** Removes a topic prefix (messages already queued are still delivered). */
  unsubscribe(topic: string): void {
    if (this.#closed) throw new ClosedError("Subscriber");
    const index = this.#topics.indexOf(topic);
    if (index < 0) return;
    this.#topics.splice(index, 1);
    if (this.#isConnected) this.#source.unsubscribe(topic);
  }

  /**
   * Resolves once this subscriber's topics are in effect at the forwarder:
   * from then on, every message that any Sunflare {@link Publisher} connected
   * to it sends on a subscribed topic is delivered, whatever thread, process
   * or machine it runs in. See the package README, "Readiness".
   *
   * Needs to know the forwarder's publisher side: give the subscriber the
   * {@link Forwarder} or its addresses. Given only a `subscribeAddress`
   * string of a forwarder running elsewhere, it resolves once connected.
   *
   * Rejects with {@link ClosedError} if the subscriber closes first.
   */
  async ready(): Promise<void> {
    const { address, addresses, curve } = await this.#whileOpen(this.#connected);
    if (this.#stale) {
      this.#stale = false;
      this.#source.subscribe(presenceTopic(this.#id, ++this.#generation, this.#counted));
    }
    const generation = this.#generation;
    const publishAddress = addresses?.publishAddress ?? localPublishAddress(address);
    if (publishAddress !== undefined) {
      await this.#witnessed(
        publishAddress,
        presenceTopic(this.#id, generation, this.#counted),
        curve,
      );
    }
    // Older presence topics are covered by the newest one.
    for (; this.#retired < generation && !this.#closed; this.#retired++) {
      this.#source.unsubscribe(presenceTopic(this.#id, this.#retired, this.#counted));
    }
  }

  /**
   * The next message. Concurrent calls are served in call order. Rejects
   * with {@link ClosedError} once closed (including a call pending at close).
   */
  async receive(): Promise<Message> {
    this.#assertPull();
    const message = await this.#reader.next();
    if (message === undefined) throw new ClosedError("Subscriber");
    return message;
  }

  /** Yields messages until {@link close}; then ends normally. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    this.#assertPull();
    return this.#reader.iterator();
  }

  /**
   * Closes the socket. A pending {@link receive} rejects with
   * {@link ClosedError}, iteration and the `consume` loop end normally.
   * Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#source.close();
    this.#reader.clear();
    for (const wake of this.#closeWaiters) wake();
    this.#closeWaiters.clear();
  }

  /** `using subscriber = new Subscriber(...)` closes it at scope exit. */
  [Symbol.dispose](): void {
    this.close();
  }

  #addTopic(topic: string): boolean {
    if (typeof topic !== "string")
      throw new TypeError(`A topic must be a string, got ${typeof topic}.`);
    if (this.#topics.includes(topic)) return false;
    this.#topics.push(topic);
    return true;
  }

  #assertPull(): void {
    if (this.#consume) {
      throw new TypeError(
        "This subscriber delivers to its consume callback; receive() and iteration are not available.",
      );
    }
  }

  async #whileOpen<T>(promise: Promise<T>): Promise<T> {
    if (this.#closed) throw new ClosedError("Subscriber");
    let wake = noop;
    const closed = new Promise<undefined>((resolve) => (wake = () => resolve(undefined)));
    this.#closeWaiters.add(wake);
    let result: T | undefined;
    try {
      result = await Promise.race([promise, closed]);
    } finally {
      this.#closeWaiters.delete(wake);
    }
    if (this.#closed) throw new ClosedError("Subscriber");
    return result as T;
  }

  /**
   * Waits until `presence` shows at the forwarder's publisher side. The
   * forwarder's XPUB applies a subscriber's topics before it passes on the
   * notice of its presence topic, which follows them on the same pipe: once a
   * witness (a socket connected like a publisher) sees it, the topics are in
   * force for everything that reaches the forwarder from then on.
   */
  async #witnessed(
    publishAddress: string,
    presence: string,
    curve: CurveClientOptions | undefined,
  ): Promise<void> {
    const witness = acquireWitness(publishAddress, curve);
    const seen = witness.watcher.whenHas(presence);
    try {
      await this.#whileOpen(seen.applied);
    } finally {
      seen.cancel();
      witness.release();
    }
  }

  #report(error: unknown, topic: string | undefined): void {
    try {
      if (this.listenerCount("error") > 0) {
        this.emit("error", error, topic);
        return;
      }
    } catch (listenerError) {
      this.#logger.error("Subscriber error listener threw", listenerError);
    }
    this.#logger.error(
      topic === undefined ? "Subscriber error" : `Subscriber error on topic "${topic}"`,
      error,
    );
  }
}
