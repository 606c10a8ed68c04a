import type { DType, TypedArrayOf } from "./dtype.js";
import { arrayClassOf, isDType } from "./dtype.js";
import type { NDArray } from "./ndarray.js";
import { NDArrayValue, describe, elementCount } from "./ndarray.js";

/** Options of {@link allocNDArray}. */
export interface AllocNDArrayOptions {
  /**
   * Bytes reserved in front of the elements for everything an encoded message
   * puts before them (map keys, other fields, the NDArray's headers). Rounded
   * up to a multiple of 8 so the elements stay 8-byte aligned. Default 4096.
   */
  headroom?: number;
  /**
   * Bytes reserved after the elements for everything an encoded message puts
   * after them (the dtype and shape, later fields). Default 256.
   */
  tailroom?: number;
}

/** Where the elements of a framed NDArray sit in their buffer. */
interface Frame {
  readonly offset: number;
  readonly length: number;
}

/** The buffers made by allocNDArray, each with its one body region. */
const frames = new WeakMap<ArrayBufferLike, Frame>();

/**
 * Allocates a zero-filled {@link NDArray} inside a pre-framed message buffer:
 * its `data` views the middle of a larger `ArrayBuffer`, with `headroom` bytes
 * free before it and `tailroom` bytes free after it.
 *
 * When `encode` (or {@link Codec.encode} with the default `alignArrays: true`)
 * meets a value holding exactly one such array of 64 KiB or more, it writes
 * the MessagePack bytes that come before and after the elements into that free
 * room and returns a view spanning them and the elements: the elements are
 * never copied, and the bytes are exactly those of an ordinary encode. If the
 * value holds several large arrays, or the bytes around the array do not fit
 * the room, `encode` copies as usual.
 *
 * Ownership: once a message encoded from a framed array is sent, the buffer
 * belongs to that message. ZeroMQ may still be reading it after `send`
 * resolves, and subscribers in the same process may receive views of the very
 * same memory. Write each frame into a new framed array; writing the next frame
 * into the same one (or encoding it again with different fields around it)
 * changes messages already sent.
 *
 * @param dtype - the element type; "bool" gives a `Uint8Array` for 0s and 1s.
 * @param shape - the extents, C order; their product is the element count.
 * @throws TypeError for an unknown dtype, a bad shape, or bad room sizes.
 *
 * @example
 * ```ts
 * const frame = allocNDArray("uint16", [512, 512]);
 * camera.readInto(frame.data); // fill the pixels in place
 * await publisher.send("camera/frames", { seq, frame }); // the pixels are not copied
 * ```
 */
export function allocNDArray<D extends DType>(
  dtype: D,
  shape: readonly number[],
  options: AllocNDArrayOptions = {},
): NDArray<TypedArrayOf[D]> {
  if (!isDType(dtype)) throw new TypeError(`allocNDArray: unknown dtype ${describe(dtype)}`);
  const dims: unknown[] | undefined = Array.isArray(shape)
    ? [...(shape as readonly unknown[])]
    : undefined;
  const count = dims === undefined ? undefined : elementCount(dims);
  if (dims === undefined || count === undefined) {
    throw new TypeError(
      `allocNDArray: shape must be an array of non-negative integers, got ${describe(shape)}`,
    );
  }
  const headroom = roomOf("headroom", options.headroom ?? 4096);
  const tailroom = roomOf("tailroom", options.tailroom ?? 256);
  const Class = arrayClassOf[dtype];
  const offset = Math.ceil(headroom / 8) * 8;
  const length = count * Class.BYTES_PER_ELEMENT;
  const buffer = new ArrayBuffer(offset + length + tailroom);
  frames.set(buffer, { offset, length });
  const data = new Class(buffer, offset, count) as TypedArrayOf[D];
  return new NDArrayValue(data, dtype, Object.freeze(dims as number[]));
}

function roomOf(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(
      `allocNDArray: ${name} must be a non-negative integer, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Writes a message around the framed body it contains, if it can: `chunks` is
 * an encoded message as `[head, body]` or `[head, body, tail]`. Returns the
 * message as a view of the body's own buffer, or undefined when the body is
 * not a framed array's elements or the head or tail does not fit the room.
 * @internal
 */
export function encodeInFrame(chunks: readonly Uint8Array[]): Uint8Array | undefined {
  if (chunks.length !== 2 && chunks.length !== 3) return undefined;
  const [head, body, tail] = chunks as [Uint8Array, Uint8Array, Uint8Array?];
  const frame = frames.get(body.buffer);
  if (frame?.offset !== body.byteOffset || frame.length !== body.byteLength) return undefined;
  const start = frame.offset - head.byteLength;
  const end = frame.offset + frame.length + (tail?.byteLength ?? 0);
  if (start < 0 || end > body.buffer.byteLength) return undefined;
  const message = Buffer.from(body.buffer, start, end - start);
  message.set(head, 0);
  if (tail !== undefined) message.set(tail, head.byteLength + frame.length);
  return message;
}
