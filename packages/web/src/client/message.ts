/** A message a page receives. Browser-safe. */
import type { WireCodec } from "@sunflare/signal";

/**
 * One message received by a {@link WebSubscriber}: the same shape as a
 * Node `Subscriber`'s message. `value` decodes the MessagePack body on first
 * access (an NDArray arrives as its wire form: apply `asNDArray`).
 */
export interface WebMessage {
  /** The topic. */
  readonly topic: string;
  /** `[topic, body]` as they came: the topic's UTF-8 bytes and the MessagePack body. */
  readonly frames: Uint8Array[];
  /** The body, decoded lazily and once. */
  readonly value: unknown;
}

/** @internal */
export class ReceivedWebMessage implements WebMessage {
  #decoded: { value: unknown } | undefined;

  constructor(
    readonly topic: string,
    readonly frames: Uint8Array[],
    private readonly codec: WireCodec,
  ) {}

  get value(): unknown {
    return (this.#decoded ??= { value: this.codec.decode(this.frames[1]!) }).value;
  }
}
