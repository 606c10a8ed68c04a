import { EventEmitter } from "node:events";
import type { Codec } from "@sunflare/codec";
import type { Observer } from "zeromq";
import { Subscriber as ZmqSubscriber } from "zeromq";
import { isBundle, unpackBundle } from "./bundle.js";
import type { ConnectInfo, Endpoint } from "./connect.js";
import { connectTo } from "./connect.js";
import type { CurveClientOptions } from "./curve.js";
import { ClosedError, isErrno, MalformedMessageError } from "./errors.js";
import { publishAddressOf, trackSocket, untrackSocket, whenAppliedHere } from "./local.js";
import type { Logger } from "./logger.js";
import { defaultLogger } from "./logger.js";
import type { Message } from "./message.js";
import { ReceivedMessage } from "./message.js";
import { OffThreadReceiver } from "./off-thread.js";
import { whenAppliedElsewhere } from "./threads.js";
import { presenceTopic } from "./topic.js";
import { nextTurn, OPERATIONS_PER_TURN } from "./turn.js";
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

/** A bundle received, its messages handed out one by one. */
interface ReceivedBundle {
  readonly topic: string;
  readonly topicFrame: Buffer;
  readonly bodies: readonly Buffer[];
  /** Index of the next body to hand out. */
  next: number;
}

const noop = (): void => undefined;
const ITERATION_DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
const iteratorResult = (message: Message | undefined): IteratorResult<Message> =>
  message === undefined ? ITERATION_DONE : { done: false, value: message };
let nextId = 0;

/**
 * Receives the messages of a {@link Forwarder} whose topic starts with one of
 * its topic prefixes, three ways: a `consume` callback, `await receive()`,
 * or `for await (const message of subscriber)`.
 *
 * Call {@link ready} before relying on delivery: subscriptions travel to the
 * publishers asynchronously, and a message sent before they arrive is not
 * delivered (ZeroMQ pub/sub semantics).
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
  readonly #socket: ZmqSubscriber | OffThreadReceiver;
  readonly #codec: Codec | undefined;
  readonly #logger: Logger;
  readonly #id = `${process.pid}-${Date.now().toString(36)}-${(nextId++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  readonly #topics: string[] = [];
  readonly #connected: Promise<ConnectInfo>;
  readonly #consume: SubscriberOptions["consume"];
  // Woken by close(). A Set, so that each wait removes itself when done
  // instead of piling reactions on a promise that settles only at close.
  readonly #closeWaiters = new Set<() => void>();
  #events: Observer | undefined;
  #isConnected = false;
  #generation = 0;
  /** Presence generations below this one are unsubscribed. */
  #retired = 0;
  #stale = false;
  #reading: Promise<unknown> = Promise.resolve();
  #pendingReads = 0;
  #receivesSinceTurn = 0;
  /** The bundle whose messages are being handed out. */
  #bundle: ReceivedBundle | undefined;
  #flowing = false;
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
    const topics = options.topics ?? "";
    for (const topic of typeof topics === "string" ? [topics] : topics) this.#addTopic(topic);
    if (this.#topics.length === 0) this.#topics.push("");
    const highWaterMark = options.noDrop ? 0 : (options.highWaterMark ?? 10_000);
    const limit = options.maxMessageSize;
    if (options.offThread) {
      if (limit !== undefined) {
        throw new TypeError("A Subscriber with offThread does not support maxMessageSize.");
      }
      this.#socket = new OffThreadReceiver({
        highWaterMark,
        onFailure: (error) => {
          this.#report(error, undefined);
          this.close();
        },
      });
    } else {
      const socket = new ZmqSubscriber({ linger: 0, receiveHighWaterMark: highWaterMark });
      this.#socket = socket;
      trackSocket(socket);
      if (limit !== undefined) {
        socket.maxMessageSize = limit;
        // Created before connecting, so that no event of the connection is missed.
        this.#events = socket.events;
        trackSocket(this.#events);
      }
    }
    this.#connected = connectTo(this.#socket, endpoint, "subscribe", options.curve).then((info) => {
      if (this.#closed) throw new ClosedError("Subscriber");
      // Subscribing only now that the connection (and its pipe) exists keeps
      // the subscriptions in order on the wire: the presence topic is last,
      // so whoever sees it has seen the topics too.
      for (const topic of this.#topics) this.#socket.subscribe(topic);
      this.#socket.subscribe(presenceTopic(this.#id, this.#generation));
      this.#isConnected = true;
      if (limit !== undefined) void this.#watchResets(info.address, limit);
      return info;
    });
    this.#connected.catch((error: unknown) => {
      if (!this.#closed) this.#report(error, undefined);
    });
    this.#signal = options.signal;
    if (this.#signal?.aborted) this.close();
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (this.#consume) void this.#consumeLoop(this.#consume);
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
    if (this.#isConnected) this.#socket.subscribe(topic);
    this.#stale = true;
  }

  /** Removes a topic prefix (messages already queued are still delivered). */
  unsubscribe(topic: string): void {
    if (this.#closed) throw new ClosedError("Subscriber");
    const index = this.#topics.indexOf(topic);
    if (index < 0) return;
    this.#topics.splice(index, 1);
    if (this.#isConnected) this.#socket.unsubscribe(topic);
  }

  /**
   * Resolves once this subscriber's topics have reached the forwarder and
   * every {@link Publisher} of this process connected to it, in this thread
   * or in a worker thread: from then on, every message those publishers
   * send on a subscribed topic is delivered. No timing assumptions: it waits
   * until each of them reports the subscription as applied (a worker thread
   * answers for its own publishers when its event loop runs).
   *
   * Given only a `subscribeAddress` string of a forwarder running elsewhere,
   * it resolves once connected; publishers there wait for this subscriber
   * with `Publisher.waitForSubscribers`.
   *
   * Rejects with {@link ClosedError} if the subscriber closes first.
   */
  async ready(): Promise<void> {
    const { address, addresses, curve } = await this.#whileOpen(this.#connected);
    let generation = this.#generation;
    if (this.#stale) {
      this.#stale = false;
      generation = ++this.#generation;
      this.#socket.subscribe(presenceTopic(this.#id, generation));
    }
    const presence = presenceTopic(this.#id, generation);
    const publishAddress = addresses?.publishAddress ?? publishAddressOf(address);
    if (publishAddress !== undefined) await this.#awaitApplied(publishAddress, presence, curve);
    // Older presence topics are covered by the newest one.
    for (; this.#retired < generation && !this.#closed; this.#retired++) {
      this.#socket.unsubscribe(presenceTopic(this.#id, this.#retired));
    }
  }

  /**
   * The next message. Concurrent calls are served in call order. Rejects
   * with {@link ClosedError} once closed (including a call pending at close).
   */
  async receive(): Promise<Message> {
    this.#assertPull();
    const message = await this.#nextInOrder();
    if (message === undefined) throw new ClosedError("Subscriber");
    return message;
  }

  /** Yields messages until {@link close}; then ends normally. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    this.#assertPull();
    // Written by hand rather than `async *`: fewer promises per message.
    return {
      next: () => this.#nextInOrder().then(iteratorResult),
      return: () => Promise.resolve(ITERATION_DONE),
    };
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
    this.#socket.close();
    this.#bundle = undefined;
    untrackSocket(this.#socket);
    if (this.#events) untrackSocket(this.#events);
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

  async #awaitApplied(
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
    // The subscription is in the forwarder's set now: publishers connecting
    // from here on receive it with that set, so only those connected
    // already, in this thread or another, need to confirm it.
    const here = whenAppliedHere(publishAddress, presence);
    const elsewhere = whenAppliedElsewhere(publishAddress, presence);
    try {
      await this.#whileOpen(Promise.all([here.done, elsewhere.done]));
    } finally {
      // A closed subscriber must not stay reachable from a long-lived publisher.
      here.cancel();
      elsewhere.cancel();
    }
  }

  #nextInOrder(): Promise<Message | undefined> {
    // zeromq allows one pending receive per socket: overlapping calls queue
    // behind each other, and an idle subscriber reads directly.
    const next =
      ++this.#pendingReads === 1 ? this.#next() : this.#reading.then(this.#next, this.#next);
    this.#reading = next;
    return next;
  }

  readonly #readDone = (): void => {
    this.#pendingReads--;
  };

  /**
   * The next message, or `undefined` once closed; settles it in
   * {@link #pendingReads}. The usual case (connected, a well-formed message)
   * costs one derived promise: this runs for every message.
   */
  readonly #next = (): Promise<Message | undefined> => {
    if (this.#bundle !== undefined && !this.#closed) return this.#nextBundled(this.#bundle);
    let receiving: Promise<Buffer[]> | undefined;
    if (this.#isConnected && !this.#closed) {
      try {
        if (++this.#receivesSinceTurn >= OPERATIONS_PER_TURN) {
          // Queued messages resolve at once: a busy stream must not starve
          // the rest of the event loop.
          this.#receivesSinceTurn = 0;
          receiving = nextTurn().then(() => this.#socket.receive());
        } else {
          receiving = this.#socket.receive();
        }
      } catch {
        // Closed under us, or busy: the loop below tells which.
      }
    }
    if (receiving === undefined) return this.#nextAfter(undefined);
    return this.#flowing
      ? receiving.then(this.#accept, this.#onEmpty)
      : receiving.then(this.#acceptWaiting, this.#nextAfter);
  };

  /**
   * While messages keep coming, the socket runs with a receive timeout of 0:
   * a receive then returns at once (EAGAIN when nothing is queued) and
   * zeromq.js skips asking libzmq for the socket's state first, a system
   * call. Otherwise (the default), a receive waits; that costs the state
   * query, but not the exception an EAGAIN costs (ten times more).
   */
  #setFlowing(flowing: boolean): void {
    this.#flowing = flowing;
    this.#socket.receiveTimeout = flowing ? 0 : -1;
  }

  /** The stream stopped: wait for the next message. */
  readonly #onEmpty = (error: unknown): Promise<Message | undefined> => {
    if (this.#closed || !isErrno(error, "EAGAIN")) return this.#nextAfter(error);
    let waiting: Promise<Buffer[]>;
    try {
      this.#setFlowing(false);
      waiting = this.#socket.receive();
    } catch (failure) {
      return this.#nextAfter(failure);
    }
    return waiting.then(this.#acceptWaiting, this.#nextAfter);
  };

  /** A message that came to a waiting receive: more queued behind it means the stream flows. */
  readonly #acceptWaiting = (frames: Buffer[]): Message | Promise<Message | undefined> => {
    if (!this.#closed && this.#socket.readable) this.#setFlowing(true);
    return this.#accept(frames);
  };

  readonly #accept = (frames: Buffer[]): Message | Promise<Message | undefined> => {
    const message = this.#toMessage(frames);
    if (message === undefined) return this.#nextAfter(undefined);
    this.#pendingReads--;
    return message;
  };

  /** The next message of a bundle received before. */
  #nextBundled(bundle: ReceivedBundle): Promise<Message> {
    const { topic, topicFrame, bodies } = bundle;
    const message = new ReceivedMessage([topicFrame, bodies[bundle.next]!], this.#codec, topic);
    if (++bundle.next === bodies.length) this.#bundle = undefined;
    // Like a socket's queued messages: at once, with a turn of the event loop now and then.
    if (++this.#receivesSinceTurn >= OPERATIONS_PER_TURN) {
      this.#receivesSinceTurn = 0;
      return nextTurn().then(() => {
        this.#pendingReads--;
        return message;
      });
    }
    this.#pendingReads--;
    return Promise.resolve(message);
  }

  /**
   * The message `frames` are, or the first of the bundle they are (the rest
   * follow through {@link #nextBundled}); `undefined`, reported, if malformed.
   */
  #toMessage(frames: Buffer[]): Message | undefined {
    if (frames.length === 2) return new ReceivedMessage(frames, this.#codec);
    if (!isBundle(frames)) {
      this.#reportMalformed(
        frames,
        `Expected a message of 2 frames [topic, body], got ${frames.length} frame${frames.length === 1 ? "" : "s"}.`,
      );
      return undefined;
    }
    const [topicFrame, , payload] = frames as [Buffer, Buffer, Buffer];
    const bodies = unpackBundle(payload);
    if (typeof bodies === "string") {
      this.#reportMalformed(frames, `Malformed bundle: ${bodies}.`);
      return undefined;
    }
    const topic = topicFrame.toString("utf8");
    if (bodies.length > 1) this.#bundle = { topic, topicFrame, bodies, next: 1 };
    return new ReceivedMessage([topicFrame, bodies[0]!], this.#codec, topic);
  }

  /** The slow path of {@link #next}: after a failed receive (if `error`), a malformed message, or before connecting. */
  readonly #nextAfter = (error: unknown): Promise<Message | undefined> =>
    this.#nextSlowly(error).finally(this.#readDone);

  async #nextSlowly(error: unknown): Promise<Message | undefined> {
    // The slow path waits for messages instead of taking EAGAIN.
    if (this.#flowing && !this.#closed) this.#setFlowing(false);
    if (error !== undefined) {
      if (this.#closed) return undefined;
      this.#report(error, undefined);
      await nextTurn();
    }
    if (!this.#isConnected) {
      try {
        await this.#whileOpen(this.#connected);
      } catch {
        return undefined;
      }
    }
    for (;;) {
      if (this.#closed) return undefined;
      let frames: Buffer[];
      try {
        frames = await this.#socket.receive();
      } catch (failure) {
        if (this.#closed) return undefined;
        this.#report(failure, undefined);
        await nextTurn();
        continue;
      }
      const message = this.#toMessage(frames);
      if (message !== undefined) return message;
    }
  }

  #reportMalformed(frames: Buffer[], problem: string): void {
    const topic = frames[0]?.toString("utf8");
    this.#report(new MalformedMessageError(problem, topic, frames), topic);
  }

  /**
   * libzmq answers a message over `maxMessageSize` with a protocol error: it
   * drops the message and the connection, and never reconnects (it does only
   * after connection errors). Reconnect here, and report the reset once the
   * forwarder is reached again without a retry (which tells a reset by a
   * live peer from a forwarder that went away).
   */
  async #watchResets(address: string, limit: number): Promise<void> {
    const events = this.#events;
    if (!events) return;
    let reset = false;
    try {
      for (;;) {
        const event = await events.receive();
        if (this.#closed) return;
        if (event.type === "disconnect") {
          reset = true;
          // Messages may have been lost: the next ready() starts afresh.
          this.#stale = true;
          this.#reconnect(address);
        } else if (event.type === "connect:retry") {
          reset = false;
        } else if (event.type === "handshake" && reset) {
          reset = false;
          this.#report(
            new Error(
              `The forwarder at ${address} sent a message larger than this subscriber's maxMessageSize (${limit} bytes): ZeroMQ dropped it and reset the connection, which has been re-established. Messages sent meanwhile were lost.`,
            ),
            undefined,
          );
        }
      }
    } catch {
      // The socket (and with it its event observer) was closed.
    }
  }

  #reconnect(address: string): void {
    // Only a socket of this thread has maxMessageSize, and so resets.
    if (this.#socket instanceof OffThreadReceiver) return;
    try {
      this.#socket.disconnect(address);
    } catch {
      // Already gone with the reset: connecting again is all that is needed.
    }
    try {
      this.#socket.connect(address);
    } catch (error) {
      if (!this.#closed) this.#report(error, undefined);
    }
  }

  async #consumeLoop(consume: (message: Message) => void | Promise<void>): Promise<void> {
    for (;;) {
      const message = await this.#nextInOrder();
      if (message === undefined) return;
      try {
        await consume(message);
      } catch (error) {
        this.#report(error, message.topic);
      }
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
