/**
 * Turns a {@link FrameSource}'s raw ZeroMQ messages into a subscriber's
 * messages, in order: reads one at a time (overlapping calls queue in call
 * order), hands out the messages of a bundle one by one, drops what the
 * subscriber does not want, reports failures and reads on, and leaves the
 * event loop a turn every {@link OPERATIONS_PER_TURN} messages. It serves
 * all three ways a subscriber reads: {@link MessageReader.next},
 * {@link MessageReader.iterator} and {@link MessageReader.consume}.
 *
 * The path of one message: `next()` → `source.read()` → `take(frames)` →
 * `deliver(frames)` → a `ReceivedMessage` → the caller's `await` (the
 * `for await` loop of `iterator()`, or the loop of `consume()`). The count
 * of reads pending is settled in `#settle` alone.
 *
 * @internal
 */
import type { Codec } from "@sunflare/codec";
import { decode } from "@sunflare/codec";
import { bundleBodies } from "./bundle.js";
import { MalformedMessageError } from "./errors.js";
import type { Message } from "./message.js";
import type { FrameSource } from "./source.js";
import { isReserved } from "./topic.js";
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
   * @param topics the subscriber's topic prefixes, kept current by it: a
   *   message on a topic of the bus's own is wanted only under one of them
   *   other than the catch-all `""`
   * @param report gets what could not be delivered, with its topic if known
   */
  constructor(
    private readonly source: FrameSource,
    private readonly codec: Codec | undefined,
    private readonly topics: readonly string[],
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

  /**
   * Hands each message to `consume`, one at a time (a returned promise is
   * awaited first), until the source is closed; what it throws or rejects
   * with is reported, and the next message follows.
   */
  async consume(consume: (message: Message) => void | Promise<void>): Promise<void> {
    for (;;) {
      const message = await this.next();
      if (message === undefined) return;
      try {
        // This runs for every message: a consumer that returns nothing is not awaited.
        const done = consume(message);
        if (done !== undefined) await done;
      } catch (error) {
        this.report(error, message.topic);
      }
    }
  }

  /** Forgets the rest of a bundle: the source was closed. */
  clear(): void {
    this.#bundle = undefined;
  }

  // Once the source is closed, its reads fail: `#failed` ends the read then.
  readonly #read = (): Promise<Message | undefined> => {
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
    if (bundle === undefined) return this.source.read().then(this.#take, this.#failed);
    const body = bundle.bodies[bundle.next]!;
    if (++bundle.next === bundle.bodies.length) this.#bundle = undefined;
    return Promise.resolve(this.#deliver([bundle.topicFrame, body], bundle.topic));
  };

  /** A ZeroMQ message read: the message it is, or the first of its bundle. */
  readonly #take = (frames: Buffer[]): Message | undefined | Promise<Message | undefined> => {
    // Only a message of three frames can be a bundle: the usual one costs a comparison.
    const bodies = frames.length === 3 ? bundleBodies(frames) : undefined;
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
      if (!isWanted(topic, this.topics)) return this.#read();
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

/**
 * Whether a message on `topic` (one that starts with NUL) is wanted by a
 * subscriber of `topics`: the bus's own topics only under a prefix other
 * than the catch-all `""`. The prefixes are tried first, as the bus's own
 * subscribers (which subscribe to nothing else) match at once.
 *
 * @internal
 */
function isWanted(topic: string, topics: readonly string[]): boolean {
  return topics.some((own) => own !== "" && topic.startsWith(own)) || !isReserved(topic);
}

/** A {@link Message} as the reader makes it: topic and value read on first access. @internal */
class ReceivedMessage implements Message {
  #topic: string | undefined;
  #decoded = false;
  #value: unknown;

  /** @param topic the first frame as text, when the caller decoded it already */
  constructor(
    readonly frames: Buffer[],
    private readonly codec: Codec | undefined,
    topic?: string,
  ) {
    this.#topic = topic;
  }

  // Decoded on first access too: a consumer that subscribed to one topic
  // often never asks.
  get topic(): string {
    this.#topic ??= this.frames[0]?.toString("utf8") ?? "";
    return this.#topic;
  }

  get value(): unknown {
    if (!this.#decoded) {
      if (this.frames.length !== 2) {
        const count = this.frames.length;
        throw new TypeError(
          `The message on topic ${JSON.stringify(this.topic)} has ${count} frame${count === 1 ? "" : "s"}: value decodes the body of a [topic, body] message; read frames instead.`,
        );
      }
      const body = this.frames[1]!;
      this.#value = this.codec ? this.codec.decode(body) : decode(body);
      this.#decoded = true;
    }
    return this.#value;
  }
}
