import type { Codec } from "@sunflare/codec";
import { decode } from "@sunflare/codec";

/**
 * One message received by a {@link Subscriber}.
 *
 * `frames` holds every frame as received, topic frame first; `value` is the
 * body (`frames[1]`) decoded with the subscriber's codec on first access and
 * cached, so a consumer that only routes by topic never pays for decoding.
 * A message that came in a bundle has the frames it would have had alone.
 * Reading `value` throws the codec's `DecodeError` if the body is not valid
 * MessagePack.
 */
export interface Message {
  /** The first frame as UTF-8 text. */
  readonly topic: string;
  /** Every frame as received: `[topic, body]`. */
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
      const body = this.frames[1] ?? new Uint8Array(0);
      this.#value = this.codec ? this.codec.decode(body) : decode(body);
      this.#decoded = true;
    }
    return this.#value;
  }
}
