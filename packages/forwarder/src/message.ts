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
