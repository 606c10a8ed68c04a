/**
 * A publisher's bundling policy, as one unit: which messages travel together
 * as one ZeroMQ message (consecutive ones of one topic, see `bundle.ts`),
 * when they go (at the end of the tick, or at 256 messages or 64 KiB), and
 * the turns of the event loop a loop of sends that all resolve at once must
 * leave. It feeds the publisher's {@link SendQueue}: it holds small bodies,
 * hands each finished bundle to the queue, and gives each send what to await.
 *
 * @internal
 */
import {
  BUNDLE_BYTES,
  BUNDLE_ENTRY_BYTES,
  BUNDLE_HEADER_BYTES,
  BUNDLE_MARKER,
  BUNDLE_MESSAGES,
  copiedMessage,
  packBundle,
} from "./bundle.js";
import type { Feeder, Frames, SendQueue } from "./send-queue.js";
import { nextTurn, OPERATIONS_PER_TURN } from "./turn.js";

const RESOLVED = Promise.resolve();

/** Messages of one topic held for one ZeroMQ message, and the sends that wait for it. */
class HeldBundle {
  readonly bodies: Uint8Array[] = [];
  size = BUNDLE_HEADER_BYTES;
  /** A send of it resolved already: it goes out even after close, within linger. */
  promised = false;
  #waiting: { promise: Promise<void>; resolve(): void; reject(error: unknown): void } | undefined;

  constructor(
    readonly topic: string,
    readonly topicFrame: Uint8Array,
    readonly copied: boolean,
  ) {}

  fits(topic: string, body: Uint8Array): boolean {
    return topic === this.topic && this.size + BUNDLE_ENTRY_BYTES + body.byteLength <= BUNDLE_BYTES;
  }

  add(body: Uint8Array): void {
    this.bodies.push(body);
    this.size += BUNDLE_ENTRY_BYTES + body.byteLength;
  }

  /** Resolves once the bundle is queued towards ZeroMQ. */
  handedOver(): Promise<void> {
    if (this.#waiting === undefined) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#waiting = { promise, resolve, reject };
    }
    return this.#waiting.promise;
  }

  /** The ZeroMQ message: a bundle of one is an ordinary `[topic, body]` message. */
  frames(): Frames {
    const { bodies, topicFrame } = this;
    if (this.copied) return copiedMessage(topicFrame, bodies);
    return bodies.length === 1
      ? [topicFrame, bodies[0]!]
      : [topicFrame, BUNDLE_MARKER, packBundle(bodies)];
  }

  /** Hands the bundle to `queue`; the sends waiting for it settle with its delivery. */
  handTo(queue: SendQueue): void {
    const waiting = this.#waiting;
    // None waiting: every send of it has resolved already.
    if (waiting === undefined) queue.pushAccepted(this.frames());
    else queue.push(this.frames(), this.promised).then(waiting.resolve, waiting.reject);
  }
}

/** See the module comment. */
export class Bundler implements Feeder {
  #held: HeldBundle | undefined;
  #flushScheduled = false;
  #heldSinceTurn = 0;

  /**
   * @param queue where finished bundles go, behind the publisher's other messages
   * @param copied whether bundles travel as copies (see `Publisher`'s `bundle` option)
   */
  constructor(
    private readonly queue: SendQueue,
    private readonly copied = false,
  ) {}

  /**
   * Holds `body` for the bundle of this tick. `keepingUp`: the queue is
   * empty (see {@link SendQueue.intake}, asked before anything was flushed
   * here), so the send resolves at once; otherwise it resolves once its
   * bundle is handed to the queue.
   */
  hold(topic: string, topicFrame: Uint8Array, body: Uint8Array, keepingUp: boolean): Promise<void> {
    // Order across topics is kept: a bundle holds consecutive messages only.
    if (this.#held !== undefined && !this.#held.fits(topic, body)) this.flush();
    let held = this.#held;
    if (held === undefined) {
      held = this.#held = new HeldBundle(topic, topicFrame, this.copied);
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // After the microtasks of this tick: an async loop of awaited sends
        // fills one bundle before it goes.
        process.nextTick(this.#flushTick);
      }
    }
    held.add(body);
    if (keepingUp) held.promised = true;
    const accepted = keepingUp ? RESOLVED : held.handedOver();
    if (held.bodies.length >= BUNDLE_MESSAGES) this.flush();
    if (++this.#heldSinceTurn < OPERATIONS_PER_TURN) return accepted;
    this.#heldSinceTurn = 0;
    return accepted.then(nextTurn);
  }

  /** Hands the held bundle, if any, to the queue: before any other message, and at close. */
  flush(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    held.handTo(this.queue);
  }

  readonly #flushTick = (): void => {
    this.#flushScheduled = false;
    this.flush();
  };
}
