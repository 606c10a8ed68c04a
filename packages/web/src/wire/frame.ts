/**
 * The WebSocket framing between a page and the gateway: every binary
 * WebSocket message is one frame, `[op: u8][topic length: u16 BE][topic:
 * UTF-8][payload]`. For messages of the bus the payload is the MessagePack
 * body exactly as it travels on the forwarder, so the gateway relays it
 * without decoding or re-encoding. Browser-safe: no Node built-ins.
 *
 * @internal
 */

/** Operations of a frame. Page to gateway below 16, gateway to page from 16. */
export const Op = {
  /** Page publishes `[topic, payload]` on the bus. */
  publish: 1,
  /** Page adds the topic prefix; payload: u32 request id, answered by `ready`. */
  subscribe: 2,
  /** Page removes the topic prefix. */
  unsubscribe: 3,
  /** Page has handed a message to its code; payload: u32 size of that message's frame. */
  ack: 4,
  /** A message of the bus for the page: `[topic, payload]`. */
  message: 16,
  /** A subscription is applied; payload: the u32 request id of the `subscribe`. */
  ready: 17,
  /** First frame of a connection; payload: JSON {@link Welcome}. */
  welcome: 18,
} as const;

/** What the gateway tells a page when it accepts it. */
export interface Welcome {
  /** Version of this framing. */
  protocol: 1;
  /** Largest frame the gateway accepts from the page, in bytes. */
  maxMessageSize: number;
  /** Member id of the bus's host, when the gateway's bus has one: the page's member waits to hear from it. */
  host?: string;
}

/** A decoded frame: views into the received bytes, nothing copied. */
export interface Frame {
  op: number;
  topic: string;
  /** The topic's UTF-8 bytes. */
  topicBytes: Uint8Array;
  payload: Uint8Array;
}

/** Bytes before the topic: op and topic length. */
export const HEADER_BYTES = 3;
const MAX_TOPIC_BYTES = 0xffff;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * One frame, in one new buffer: `topic` is a string or its UTF-8 bytes.
 * Throws for a string topic that does not fit a frame.
 */
export function encodeFrame(
  op: (typeof Op)[keyof typeof Op],
  topic: string | Uint8Array,
  payload?: Uint8Array,
): Uint8Array {
  const name = typeof topic === "string" ? encoder.encode(topic) : topic;
  if (typeof topic === "string" && name.byteLength > MAX_TOPIC_BYTES) {
    throw new RangeError(`A topic may take at most ${MAX_TOPIC_BYTES} bytes of UTF-8.`);
  }
  const size = payload?.byteLength ?? 0;
  const frame = new Uint8Array(HEADER_BYTES + name.byteLength + size);
  frame[0] = op;
  frame[1] = name.byteLength >>> 8;
  frame[2] = name.byteLength & 0xff;
  frame.set(name, HEADER_BYTES);
  if (payload) frame.set(payload, HEADER_BYTES + name.byteLength);
  return frame;
}

/** Decodes a frame; throws a `RangeError` saying what is wrong with a malformed one. */
export function decodeFrame(data: Uint8Array): Frame {
  if (data.byteLength < HEADER_BYTES) throw new RangeError("frame shorter than its header");
  const length = (data[1]! << 8) | data[2]!;
  const end = HEADER_BYTES + length;
  if (end > data.byteLength) throw new RangeError("frame shorter than its topic");
  const name = data.subarray(HEADER_BYTES, end);
  let topic: string;
  try {
    topic = decoder.decode(name);
  } catch {
    throw new RangeError("topic is not valid UTF-8");
  }
  return { op: data[0]!, topic, topicBytes: name, payload: data.subarray(end) };
}

/** A u32 (big-endian) payload. */
export function u32(value: number): Uint8Array {
  return new Uint8Array([value >>> 24, value >>> 16, value >>> 8, value]);
}

/** Reads a u32 payload; throws on a payload of another size. */
export function readU32(payload: Uint8Array): number {
  if (payload.byteLength !== 4) throw new RangeError("expected a 4-byte payload");
  return new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);
}

/** Decodes a JSON payload (the welcome). */
export function readJson(payload: Uint8Array): unknown {
  return JSON.parse(decoder.decode(payload));
}
