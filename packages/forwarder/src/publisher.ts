import type { Codec } from "@sunflare/codec";
import { encode } from "@sunflare/codec";
import { isMainThread } from "node:worker_threads";
import { XPublisher } from "zeromq";
import { BUNDLE_BODY_LIMIT, copiedMessage } from "./bundle.js";
import { Bundler } from "./bundler.js";
import type { Endpoint } from "./connect.js";
import { connectSocket, isInproc, resolveEndpoint } from "./connect.js";
import type { CurveClientOptions } from "./curve.js";
import { asError, ClosedError } from "./errors.js";
import { closeAtExit } from "./exit.js";
import type { Intake } from "./send-queue.js";
import { SendQueue } from "./send-queue.js";
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
   * Sunflare one. `"copied"`: bundles, and bodies over 128 bytes sent
   * alone, travel as copied bundles, whose payload zeromq.js copies: for a
   * publisher in a worker thread whose messages may be read after the
   * worker ended (see the package README, "Bundles").
   */
  bundle?: boolean | "copied";
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
  /** Everything about where sent messages are: see `send-queue.ts`. */
  readonly #queue: SendQueue;
  /** Holds small messages for bundles, which it hands to the queue; `undefined` when not bundling. */
  readonly #bundler: Bundler | undefined;
  /** `bundle: "copied"`: every message of `send`/`sendEncoded` goes as a copy (see {@link copiedMessage}). */
  readonly #copied: boolean;

  /**
   * @param endpoint a {@link Forwarder} of this process (started if needed),
   *   its {@link ForwarderAddresses}, or the forwarder's `publishAddress`
   */
  constructor(endpoint: Endpoint, options: PublisherOptions = {}) {
    this.#codec = options.codec;
    const linger = options.linger ?? 1000;
    // An XPUB rather than a PUB: it behaves the same for sending, and it also
    // hands us the subscriptions it applied, which readiness relies on.
    this.#socket = new XPublisher({
      noDrop: true,
      // Sends never wait inside zeromq.js (a full queue answers EAGAIN, and
      // the send queue retries), so it can skip asking libzmq for the
      // socket's state before each send, a system call; the queue yields to
      // the event loop itself.
      sendTimeout: 0,
      sendHighWaterMark: options.highWaterMark ?? 1000,
      linger,
    });
    closeAtExit(this.#socket);
    this.#watcher = new SubscriptionWatcher(this.#socket);
    const connected = resolveEndpoint(endpoint, "publish", options.curve).then((info) => {
      connectSocket(this.#socket, info);
      if (this.#queue.closed) this.#watcher.markClosed();
      else this.#watcher.start();
    });
    this.#queue = new SendQueue(
      this.#socket,
      this.#watcher,
      connected,
      options.sync ?? true,
      linger,
    );
    const bundle = options.bundle ?? (isMainThread && isInproc(endpoint));
    this.#copied = bundle === "copied";
    if (bundle !== false) this.#bundler = new Bundler(this.#queue, this.#copied);
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#queue.closed;
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
      if (this.#queue.closed || this.#watcher.closed) throw new ClosedError("Publisher");
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
    const intake = this.#queue.intake;
    if (intake === "closed") return Promise.reject(new ClosedError("Publisher"));
    let body: Uint8Array;
    try {
      body = this.#codec ? this.#codec.encode(value) : encode(value);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    return this.#sendBody(topic, body, intake);
  }

  /**
   * Sends `body`, the MessagePack encoding of a value made already, under
   * `topic`: the frames `[topic, body]`, exactly what {@link send} sends for
   * that value, without calling the codec. For bodies encoded once and sent
   * again, encoded elsewhere (another thread, another codec, a recording),
   * or passed on from a received {@link Message} (its `frames[1]`).
   *
   * Everything else is as for {@link send}: the same queueing, backpressure
   * and bundling, in order with the publisher's other sends. The bytes are
   * not checked: a body that is not MessagePack reaches subscribers as it is,
   * and fails where they read `message.value`. The bytes are sent as they
   * are, without a copy where ZeroMQ allows: do not modify `body` afterwards.
   * Rejects with {@link ClosedError} after {@link close}, and with a
   * `TypeError` if `body` is not a `Uint8Array`.
   *
   * @example
   * ```ts
   * const body = encode({ exposure: 10 });
   * for (const camera of ["camera/1", "camera/2"]) await publisher.sendEncoded(camera, body);
   * ```
   */
  sendEncoded(topic: string, body: Uint8Array): Promise<void> {
    if (!(body instanceof Uint8Array)) {
      return Promise.reject(
        this.#queue.closed
          ? new ClosedError("Publisher")
          : new TypeError("sendEncoded needs the body as a Uint8Array."),
      );
    }
    // Without bundling, one call: the queue refuses the message once closed.
    if (this.#bundler === undefined)
      return this.#queue.push([this.#topicFrame(topic), body], false);
    const intake = this.#queue.intake;
    if (intake === "closed") return Promise.reject(new ClosedError("Publisher"));
    return this.#sendBody(topic, body, intake);
  }

  /**
   * Sends an encoded body: held for a bundle where bundling applies, queued
   * on its own otherwise. `intake`: the queue's, asked before anything else
   * happened in this send.
   */
  #sendBody(topic: string, body: Uint8Array, intake: Intake): Promise<void> {
    if (this.#bundler === undefined || body.byteLength >= BUNDLE_BODY_LIMIT) {
      // Messages held for a bundle go first.
      this.#bundler?.flush();
      const topicFrame = this.#topicFrame(topic);
      return this.#queue.push(
        this.#copied ? copiedMessage(topicFrame, [body]) : [topicFrame, body],
        false,
      );
    }
    return this.#bundler.hold(topic, this.#topicFrame(topic), body, intake === "keeping-up");
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
    if (this.#queue.closed) return Promise.reject(new ClosedError("Publisher"));
    if (frames.length === 0) {
      return Promise.reject(new TypeError("A message needs at least one frame (the topic)."));
    }
    // Messages held for a bundle go first.
    this.#bundler?.flush();
    return this.#queue.push(frames as (Uint8Array | string)[], false);
  }

  /**
   * Closes the publisher; later sends reject with {@link ClosedError}, and so
   * do sends still waiting for room. Messages whose `send` has resolved still
   * go out, within `linger`. Idempotent.
   */
  close(): void {
    // Held messages go into the queue first, behind the others.
    this.#queue.close(this.#bundler);
  }

  /** `using publisher = new Publisher(...)` closes it at scope exit. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** Topic frames a publisher keeps encoded. @internal */
const TOPIC_FRAMES_KEPT = 1024;

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
