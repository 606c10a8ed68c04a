/**
 * Turns a {@link FrameSource}'s raw ZeroMQ messages into a subscriber's
 * messages, in order: reads one at a time (overlapping calls queue in call
 * order), hands out the messages of a bundle one by one, drops what the
 * subscriber does not want, reports failures and reads on, and leaves the
 * event loop a turn every {@link OPERATIONS_PER_TURN} messages.
 *
 * The path of one message: `next()` → `source.read(take)` → `take(frames)`
 * → `deliver(frames)` → a {@link ReceivedMessage} → the caller's `await`
 * (or the `for await` loop of {@link MessageReader.iterator}). The count of
 * reads pending is settled in `#settle` alone.
 *
 * @internal
 */
import type { Codec } from "@sunflare/codec";
import { bundleBodies } from "./bundle.js";
import { MalformedMessageError } from "./errors.js";
import type { Message } from "./message.js";
import { ReceivedMessage } from "./message.js";
import type { FrameSource } from "./source.js";
import { nextTurn, OPERATIONS_PER_TURN } from "./turn.js";

/** The rest of a bundle, handed out one message per read. */
interface Bundle {
  readonly topic: string;
  readonly topicFrame: Buffer;
  readonly bodies: readonly Buffer[];
  next: number;
}

const ITERATION_DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
const iteratorResult = (message: Message | undefined): IteratorResult<Message> =>
  message === undefined ? ITERATION_DONE : { done: false, value: message };

/** @internal */
export class MessageReader {
  #pending = 0;
  #tail: Promise<Message | undefined> = Promise.resolve(undefined);
  #readsSinceTurn = 0;
  #bundle: Bundle | undefined;

  /**
   * @param codec decodes {@link Message.value}
   * @param wants whether the subscriber asked for a message on this topic
   *   of the bus's own (one that starts with NUL; asked for no other)
   * @param report gets what could not be delivered, with its topic if known
   */
  constructor(
    private readonly source: FrameSource,
    private readonly codec: Codec | undefined,
    private readonly wants: (topic: string) => boolean,
    private readonly report: (error: unknown, topic: string | undefined) => void,
  ) {}

  /** The next message, or `undefined` once the source is closed. */
  next(): Promise<Message | undefined> {
    // One read at a time: overlapping calls queue behind each other.
    const next = ++this.#pending === 1 ? this.#read() : this.#tail.then(this.#read, this.#read);
    this.#tail = next;
    return next;
  }

  /** Iterates the messages until the source is closed; then ends normally. */
  iterator(): AsyncIterator<Message> {
    // Written by hand rather than `async *`: fewer promises per message.
    return {
      next: () => this.next().then(iteratorResult),
      return: () => Promise.resolve(ITERATION_DONE),
    };
  }

  /** Forgets the rest of a bundle: the source was closed. */
  clear(): void {
    this.#bundle = undefined;
  }

  readonly #read = (): Promise<Message | undefined> => {
    if (this.source.closed) return Promise.resolve(this.#settle(undefined));
    if (++this.#readsSinceTurn >= OPERATIONS_PER_TURN) {
      // Queued messages resolve at once: a busy stream must not starve the
      // rest of the event loop.
      this.#readsSinceTurn = 0;
      return nextTurn().then(this.#readNow);
    }
    return this.#readNow();
  };

  readonly #readNow = (): Promise<Message | undefined> => {
    const bundle = this.#bundle;
    if (bundle === undefined) return this.source.read(this.#take, this.#failed);
    const body = bundle.bodies[bundle.next]!;
    if (++bundle.next === bundle.bodies.length) this.#bundle = undefined;
    return Promise.resolve(this.#deliver([bundle.topicFrame, body], bundle.topic));
  };

  /** A ZeroMQ message read: the message it is, or the first of its bundle. */
  readonly #take = (frames: Buffer[]): Message | undefined | Promise<Message | undefined> => {
    const bodies = bundleBodies(frames);
    if (bodies === undefined) return this.#deliver(frames, undefined);
    const topicFrame = frames[0]!;
    const topic = topicFrame.toString("utf8");
    if (typeof bodies === "string") {
      this.report(new MalformedMessageError(`Malformed bundle: ${bodies}.`, topic, frames), topic);
      return this.#read();
    }
    if (bodies.length > 1) this.#bundle = { topic, topicFrame, bodies, next: 1 };
    return this.#deliver([topicFrame, bodies[0]!], topic);
  };

  /** The message of `frames` (`topic`: the first frame as text, when known), or the next one if not wanted. */
  #deliver(
    frames: Buffer[],
    topic: string | undefined,
  ): Message | undefined | Promise<Message | undefined> {
    // Only a topic that starts with NUL can be the bus's own: the usual case costs one comparison.
    if (frames[0]![0] === 0) {
      topic ??= frames[0]!.toString("utf8");
      if (!this.wants(topic)) return this.#read();
    }
    return this.#settle(new ReceivedMessage(frames, this.codec, topic));
  }

  readonly #failed = async (error: unknown): Promise<Message | undefined> => {
    if (this.source.closed) return this.#settle(undefined);
    this.report(error, undefined);
    // A failing socket must not spin.
    await nextTurn();
    return this.#read();
  };

  /** A read ends: with a message, or with `undefined` once closed. */
  #settle(message: Message | undefined): Message | undefined {
    this.#pending--;
    return message;
  }
}
