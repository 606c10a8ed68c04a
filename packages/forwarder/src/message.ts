import type { Codec } from "@sunflare/codec";
import { decode } from "@sunflare/codec";

/**
 * One message received by a {@link Subscriber}.
 *
 * `frames` holds every frame as received, topic frame first, one frame or
 * many; a message that came in a bundle has the frames it would have had
 * alone. `value` is the body of a `[topic, body]` message, decoded with the
 * subscriber's codec on first access and cached, so a consumer that only
 * routes by topic never pays for decoding. Reading `value` throws the codec's
 * `DecodeError` if the body is not valid MessagePack, and a `TypeError` on a
 * message of another shape; either concerns that message alone.
 */
export interface Message {
  /** The first frame as UTF-8 text. */
  readonly topic: string;
  /** Every frame as received: `[topic, body]` for what a `Publisher.send` sent. */
  readonly frames: Uint8Array[];
  /** The body, decoded lazily and once. */
  readonly value: unknown;
}

/** @internal */
export class ReceivedMessage implements Message {
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
