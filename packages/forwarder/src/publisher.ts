import type { Codec } from "@sunflare/codec";
import { encode } from "@sunflare/codec";
import { isMainThread } from "node:worker_threads";
import { XPublisher } from "zeromq";
import { BUNDLE_BODY_LIMIT } from "./bundle.js";
import { Bundler } from "./bundler.js";
import type { Endpoint } from "./connect.js";
import { connectSocket, isInproc, resolveEndpoint } from "./connect.js";
import type { CurveClientOptions } from "./curve.js";
import { ClosedError, isErrno } from "./errors.js";
import { closeAtExit, forgetAtExit } from "./exit.js";
import { SYNC_TOPIC } from "./topic.js";
import { nextTurn, OPERATIONS_PER_TURN } from "./turn.js";
import { SubscriptionWatcher } from "./watcher.js";

/** Options of a {@link Publisher}. */
export interface PublisherOptions {
  /** Encodes the values given to {@link Publisher.send} (default: `@sunflare/codec`'s `encode`). */
  codec?: Codec;
  /**
   * Messages queued towards the forwarder before `send` waits (default 1000).
   * See the package README, "Flow control".
   */
  highWaterMark?: number;
  /** CURVE client keys, for a forwarder running with `curve` (automatic when given the Forwarder object). */
  curve?: CurveClientOptions;
  /**
   * Wait, before the first message goes out, until the forwarder has handed
   * over its subscription set (default `true`). Turn off only for a plain
   * ZeroMQ XSUB/XPUB proxy that is not a Sunflare {@link Forwarder}.
   */
  sync?: boolean;
  /**
   * Milliseconds that messages still queued at {@link Publisher.close} may
   * keep the process alive while they are delivered (default 1000; a
   * negative value waits as long as it takes).
   */
  linger?: number;
  /**
   * Send the messages of one topic that {@link Publisher.send} is given in
   * the same tick as one ZeroMQ message, a bundle (default: `true` over
   * inproc on the main thread, `false` over ipc and tcp and in worker
   * threads). Every Sunflare {@link Subscriber} delivers them one by one;
   * other readers (Python's, a raw ZeroMQ socket) see a three-frame
   * message. Turn it on over ipc/tcp only when every subscriber is a
   * Sunflare one; in a worker thread, see the package README, "Bundles",
   * first.
   */
  bundle?: boolean;
}

/**
 * Sends messages into a {@link Forwarder}: `[topic, body]` multipart
 * messages that every subscriber whose topic prefix matches receives.
 *
 * `send` resolves once the message is queued, and waits (never drops) when
 * the queue towards the forwarder is full. Calls may overlap freely: they are
 * sent one after another in call order. Over inproc, messages of one topic
 * sent in the same tick travel together as one bundle (see
 * {@link PublisherOptions.bundle}).
 *
 * @example
 * ```ts
 * const publisher = new Publisher(forwarder);
 * await publisher.send("stage/position", { x: 1.5, y: -2 });
 * await publisher.sendFrames(["raw", new Uint8Array([1, 2, 3])]);
 * publisher.close();
 * ```
 */
export class Publisher {
  readonly #socket: XPublisher;
  readonly #watcher: SubscriptionWatcher;
  readonly #codec: Codec | undefined;
  readonly #topicFrames = new Map<string, Buffer>();
  /** Holds small messages for bundles; `undefined` when not bundling. */
  readonly #bundler: Bundler | undefined;
  readonly #linger: number;
  #tail: Promise<void>;
  #pendingSends = 0;
  #sendsSinceDrain = 0;
  readonly #sync: boolean;
  #syncStarted = false;
  #synced = false;
  #failure: Error | undefined;
  #closed = false;
  /** After close: until when messages already accepted may still go out. */
  #lingerUntil = Infinity;

  /**
   * @param endpoint a {@link Forwarder} of this process (started if needed),
   *   its {@link ForwarderAddresses}, or the forwarder's `publishAddress`
   */
  constructor(endpoint: Endpoint, options: PublisherOptions = {}) {
    this.#codec = options.codec;
    if (options.bundle ?? (isMainThread && isInproc(endpoint))) {
      this.#bundler = new Bundler(
        (frames, promised) => this.#enqueue(frames, promised),
        (error) => {
          // Accepted messages that could not go out: the next send reports it.
          // Closing is not a failure: what linger did not allow is dropped, as ZeroMQ does.
          if (!(error instanceof ClosedError)) this.#failure ??= asError(error);
        },
      );
    }
    this.#linger = options.linger ?? 1000;
    // An XPUB rather than a PUB: it behaves the same for sending, and it also
    // hands us the subscriptions it applied, which readiness relies on.
    this.#socket = new XPublisher({
      noDrop: true,
      // Sends never wait inside zeromq.js (a full queue answers EAGAIN, see
      // #retry), so it can skip asking libzmq for the socket's state before
      // each send, a system call; we yield to the event loop ourselves.
      sendTimeout: 0,
      sendHighWaterMark: options.highWaterMark ?? 1000,
      linger: this.#linger,
    });
    closeAtExit(this.#socket);
    this.#watcher = new SubscriptionWatcher(this.#socket);
    const connected = resolveEndpoint(endpoint, "publish", options.curve).then((info) => {
      connectSocket(this.#socket, info);
      if (this.#closed) this.#watcher.markClosed();
      else this.#watcher.start();
    });
    this.#sync = options.sync ?? true;
    this.#tail = connected;
    this.#tail.catch((error: unknown) => {
      this.#failure = asError(error);
    });
  }

  /**
   * Holds what is sent until the forwarder's subscription set arrived (with
   * `sync`): a PUB socket silently drops what nobody has subscribed to yet,
   * and the set holds the forwarder's catch-all. Started by the first send,
   * not before: reading notices makes the socket take in every subscription
   * queued so far, which a publisher that never sends need not pay for.
   */
  #startSync(): void {
    this.#syncStarted = true;
    const synced = this.#tail
      .then(() => (this.#sync ? this.#watcher.whenHas(SYNC_TOPIC).applied : undefined))
      .then(() => {
        this.#synced = true;
      });
    synced.catch((error: unknown) => {
      this.#failure ??= asError(error);
    });
    this.#tail = synced;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Number of Sunflare subscribers this publisher currently reaches (each
   * {@link Subscriber} announces itself once its topics are subscribed), as of
   * the subscription notices read so far; each access reads those queued
   * since, for the next one. {@link waitForSubscribers} counts from all of them.
   */
  get subscribers(): number {
    // Notices are read on demand: pick up those queued since, for next time.
    this.#watcher.drain();
    return this.#watcher.subscribers;
  }

  /**
   * Resolves once at least `count` subscribers are reachable (see
   * {@link subscribers}): messages sent afterwards reach their topics. The
   * way for a publisher in another thread or process to wait for its
   * audience without sleeping.
   *
   * Rejects with {@link ClosedError} if the publisher closes first, or with
   * the signal's reason if `signal` aborts.
   */
  async waitForSubscribers(count = 1, options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    // Notices are read on demand: count from all of those queued so far.
    await this.#watcher.refresh();
    while (this.#watcher.subscribers < count) {
      signal?.throwIfAborted();
      if (this.#closed || this.#watcher.closed) throw new ClosedError("Publisher");
      // Cancelled in any case, so that an aborted wait does not stay registered.
      const wait = this.#watcher.nextChange();
      try {
        await (signal ? raceAbort(wait.changed, signal) : wait.changed);
      } finally {
        wait.cancel();
      }
    }
  }

  /**
   * Sends `value` under `topic`: the frames `[topic, encode(value)]`.
   * Resolves once queued; waits while the queue to the forwarder is full.
   * Rejects with {@link ClosedError} after {@link close}, or with the codec's
   * `EncodeError` for a value it cannot encode (nothing is sent then).
   *
   * With bundling (see {@link PublisherOptions.bundle}), the message is held
   * until the end of the current tick (or until 256 messages or 64 KiB of
   * one topic are held), then sent with the others of its topic as one
   * bundle; `send` resolves at once while the publisher keeps up. Messages
   * held or queued when {@link close} is called still go out, within
   * `linger`.
   */
  send(topic: string, value: unknown): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError("Publisher"));
    let body: Uint8Array;
    try {
      body = this.#codec ? this.#codec.encode(value) : encode(value);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    if (this.#bundler === undefined || body.byteLength >= BUNDLE_BODY_LIMIT) {
      return this.sendFrames([this.#topicFrame(topic), body]);
    }
    // Keeping up: nothing is waiting in the queue to ZeroMQ, so the message
    // needs no room there yet and the caller may go on.
    const keepingUp = this.#synced && this.#pendingSends === 0 && this.#failure === undefined;
    return this.#bundler.hold(topic, this.#topicFrame(topic), body, keepingUp);
  }

  /**
   * `topic` as UTF-8 bytes, encoded once per topic: zeromq.js copies a small
   * Buffer into the message in place, where a string costs a conversion and
   * two allocations on every send.
   */
  #topicFrame(topic: string): Uint8Array {
    let frame = this.#topicFrames.get(topic);
    if (frame === undefined) {
      frame = Buffer.from(topic, "utf8");
      // A publisher that makes up a new topic per message must not grow forever.
      if (this.#topicFrames.size >= TOPIC_FRAMES_KEPT) this.#topicFrames.clear();
      this.#topicFrames.set(topic, frame);
    }
    return frame;
  }

  /**
   * Sends a raw multipart message; the first frame is the topic subscribers
   * match on. Same queueing and backpressure as {@link send}.
   */
  sendFrames(frames: readonly (Uint8Array | string)[]): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError("Publisher"));
    if (frames.length === 0) {
      return Promise.reject(new TypeError("A message needs at least one frame (the topic)."));
    }
    // Messages held for a bundle go first.
    this.#bundler?.flush();
    return this.#enqueue(frames as (Uint8Array | string)[], false);
  }

  /**
   * Queues one ZeroMQ message behind those before it. `promised`: a send of
   * it has resolved already, so it still goes out after close, within linger.
   */
  #enqueue(parts: (Uint8Array | string)[], promised: boolean): Promise<void> {
    if (!this.#syncStarted) this.#startSync();
    // zeromq allows one pending send per socket: overlapping calls queue
    // behind each other, and an idle, synchronised publisher sends directly.
    const sent =
      ++this.#pendingSends === 1 && this.#synced
        ? this.#deliver(parts, promised)
        : this.#tail.then(
            () => this.#deliver(parts, promised),
            () => this.#deliver(parts, promised),
          );
    this.#tail = sent;
    return sent;
  }

  readonly #sendDone = (): void => {
    this.#pendingSends--;
  };

  /**
   * Closes the publisher; later sends reject with {@link ClosedError}, and so
   * do sends still waiting for room. Messages whose `send` has resolved still
   * go out, within `linger`. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#linger >= 0) this.#lingerUntil = performance.now() + this.#linger;
    this.#bundler?.flush();
    this.#watcher.markClosed();
    if (this.#pendingSends === 0) {
      this.#closeSocket();
    } else {
      // Accepted messages still on their way to ZeroMQ go first.
      const closeSocket = (): void => this.#closeSocket();
      this.#tail.then(closeSocket, closeSocket);
    }
  }

  #closeSocket(): void {
    // ZeroMQ's own linger covers what remains of ours.
    if (Number.isFinite(this.#lingerUntil)) {
      this.#socket.linger = Math.max(0, Math.ceil(this.#lingerUntil - performance.now()));
    }
    this.#socket.close();
    forgetAtExit(this.#socket);
  }

  /** Whether a message may still be handed to ZeroMQ: before close, or accepted and within linger. */
  #maySend(promised: boolean): boolean {
    return !this.#closed || (promised && performance.now() < this.#lingerUntil);
  }
  /** `using publisher = new Publisher(...)` closes it at scope exit. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Sends one message, retrying while the queue is full; settles it in {@link #pendingSends}. */
  #deliver(parts: (Uint8Array | string)[], promised: boolean): Promise<void> {
    let sending: Promise<void>;
    try {
      if (!this.#maySend(promised)) throw new ClosedError("Publisher");
      // The connection never came (e.g. the forwarder failed to start).
      if (this.#failure) throw this.#failure;
      // Nobody reads subscription notices while nobody waits for them (a
      // pending receive slows every send), so they queue in the socket: read
      // those queued now and then, which never waits.
      if (++this.#sendsSinceDrain >= DRAIN_EVERY) {
        this.#sendsSinceDrain = 0;
        this.#watcher.drain();
        // Back-to-back sends resolve at once: without a turn of the event
        // loop now and then, a sending loop would starve everything else.
        sending = nextTurn().then(() => this.#socket.send(parts));
      } else {
        sending = this.#socket.send(parts);
      }
    } catch (error) {
      this.#sendDone();
      return Promise.reject(asError(error));
    }
    // One derived promise per message: this path runs for every send.
    return sending.then(this.#sendDone, (error: unknown) =>
      this.#retry(parts, promised, error).finally(this.#sendDone),
    );
  }

  async #retry(parts: (Uint8Array | string)[], promised: boolean, error: unknown): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      // With noDrop, a full queue makes libzmq answer EAGAIN while still
      // reporting the socket writable, so zeromq.js cannot wait for us: back
      // off and retry. This is the backpressure `send` callers feel.
      if (!this.#maySend(promised)) throw new ClosedError("Publisher");
      if (!isErrno(error, "EAGAIN")) throw asError(error);
      await backoff(attempt);
      if (!this.#maySend(promised)) throw new ClosedError("Publisher");
      try {
        await this.#socket.send(parts);
        return;
      } catch (next) {
        error = next;
      }
    }
  }
}

/** Topic frames a publisher keeps encoded. @internal */
const TOPIC_FRAMES_KEPT = 1024;

/** Sends between two reads of the queued subscription notices, and between two turns of the event loop. @internal */
const DRAIN_EVERY = OPERATIONS_PER_TURN;

/** @internal */
function backoff(attempt: number): Promise<void> {
  if (attempt < 16) return nextTurn();
  return new Promise((resolve) => setTimeout(resolve, Math.min(10, attempt - 15)));
}

/** @internal */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(asError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(asError(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(asError(error));
      },
    );
  });
}

/** @internal */
function asError(reason: unknown): Error {
  // Not `instanceof`: errors from the native addon may come from another realm.
  return typeof reason === "object" && reason !== null
    ? (reason as Error)
    : new Error(String(reason));
}
