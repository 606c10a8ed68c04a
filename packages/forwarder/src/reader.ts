/**
 * Turns a {@link FrameSource}'s raw ZeroMQ messages into a subscriber's
 * messages, in order: reads one at a time (overlapping calls queue in call
 * order), hands out the messages of a bundle one by one, drops what the
 * subscriber does not want, reports failures and reads on, and leaves the
 * event loop a turn every {@link OPERATIONS_PER_TURN} messages.
 *
 * The path of one message: `next()` → `source.read(take)` → `take(frames)`
 * → `accept(frames)` → the caller's `await`. The count of reads pending is
 * settled in `#settle` alone.
 *
 * @internal
 */
import { isBundle, unpackBundle } from "./bundle.js";
import { MalformedMessageError } from "./errors.js";
import type { FrameSource } from "./source.js";
import { nextTurn, OPERATIONS_PER_TURN } from "./turn.js";

/** Makes a message of `frames` (`topic`: the first frame as text, when known), or skips it (`undefined`). */
export type Accept<T> = (frames: Buffer[], topic: string | undefined) => T | undefined;

/** The rest of a bundle, handed out one message per read. */
interface Bundle {
  readonly topic: string;
  readonly topicFrame: Buffer;
  readonly bodies: readonly Buffer[];
  next: number;
}

/** @internal */
export class MessageReader<T> {
  #pending = 0;
  #tail: Promise<T | undefined> = Promise.resolve(undefined);
  #readsSinceTurn = 0;
  #bundle: Bundle | undefined;

  /**
   * @param accept makes the caller's message of each ZeroMQ message
   * @param report gets what could not be delivered, with its topic if known
   */
  constructor(
    private readonly source: FrameSource,
    private readonly accept: Accept<T>,
    private readonly report: (error: unknown, topic: string | undefined) => void,
  ) {}

  /** The next message, or `undefined` once the source is closed. */
  next(): Promise<T | undefined> {
    // One read at a time: overlapping calls queue behind each other.
    const next = ++this.#pending === 1 ? this.#read() : this.#tail.then(this.#read, this.#read);
    this.#tail = next;
    return next;
  }

  /** Forgets the rest of a bundle: the source was closed. */
  clear(): void {
    this.#bundle = undefined;
  }

  readonly #read = (): Promise<T | undefined> => {
    if (this.source.closed) return Promise.resolve(this.#settle(undefined));
    if (++this.#readsSinceTurn >= OPERATIONS_PER_TURN) {
      // Queued messages resolve at once: a busy stream must not starve the
      // rest of the event loop.
      this.#readsSinceTurn = 0;
      return nextTurn().then(this.#readNow);
    }
    return this.#readNow();
  };

  readonly #readNow = (): Promise<T | undefined> => {
    const bundle = this.#bundle;
    if (bundle === undefined) return this.source.read(this.#take, this.#failed);
    const body = bundle.bodies[bundle.next]!;
    if (++bundle.next === bundle.bodies.length) this.#bundle = undefined;
    return Promise.resolve(this.#deliver([bundle.topicFrame, body], bundle.topic));
  };

  /** A ZeroMQ message read: the message it is, or the first of its bundle. */
  readonly #take = (frames: Buffer[]): T | undefined | Promise<T | undefined> => {
    if (!isBundle(frames)) return this.#deliver(frames, undefined);
    const [topicFrame, , payload] = frames as [Buffer, Buffer, Buffer];
    const bodies = unpackBundle(payload);
    const topic = topicFrame.toString("utf8");
    if (typeof bodies === "string") {
      this.report(new MalformedMessageError(`Malformed bundle: ${bodies}.`, topic, frames), topic);
      return this.#read();
    }
    if (bodies.length > 1) this.#bundle = { topic, topicFrame, bodies, next: 1 };
    return this.#deliver([topicFrame, bodies[0]!], topic);
  };

  #deliver(frames: Buffer[], topic: string | undefined): T | undefined | Promise<T | undefined> {
    const message = this.accept(frames, topic);
    return message === undefined ? this.#read() : this.#settle(message);
  }

  readonly #failed = async (error: unknown): Promise<T | undefined> => {
    if (this.source.closed) return this.#settle(undefined);
    this.report(error, undefined);
    // A failing socket must not spin.
    await nextTurn();
    return this.#read();
  };

  /** A read ends: with a message, or with `undefined` once closed. */
  #settle(message: T | undefined): T | undefined {
    this.#pending--;
    return message;
  }
}
