import { DecodeError } from "./decode-error.js";
import type { DType, TypedArray } from "./dtype.js";
import { arrayClassOf, dtypeOf, hostIsLittleEndian, isDType, swapBytes } from "./dtype.js";

/**
 * An n-dimensional array: a flat typed array in C (row-major) order, its numpy
 * dtype, and its shape. Made with {@link ndarray}, read back with {@link asNDArray}.
 *
 * On the wire it is the 3-element array `[bin raw bytes, dtype, shape]` the Python
 * side writes for numpy arrays, so `np.frombuffer(data, dtype).reshape(shape)`
 * reads it there.
 */
export interface NDArray<T extends TypedArray = TypedArray> {
  /** The elements, flat, in C order. */
  readonly data: T;
  /** The element type, as numpy spells it. */
  readonly dtype: DType;
  /** The extent of each dimension; their product is `data.length`. */
  readonly shape: readonly number[];
}

/** The one class behind every NDArray, so the encoder recognises it by `instanceof`. @internal */
export class NDArrayValue<T extends TypedArray = TypedArray> implements NDArray<T> {
  constructor(
    readonly data: T,
    readonly dtype: DType,
    readonly shape: readonly number[],
  ) {
    Object.freeze(this);
  }
}
// Inspection (console.log) shows the public name.
Object.defineProperty(NDArrayValue, "name", { value: "NDArray" });

/**
 * Wraps a typed array as an {@link NDArray} so that `encode` writes it in the
 * numpy wire form, wherever it sits inside the encoded value. The data is not
 * copied.
 *
 * @param data - the elements in C order; its class gives the dtype
 *   (`Uint8ClampedArray` is "uint8").
 * @param shape - defaults to `[data.length]`; the product must equal `data.length`.
 * @param dtype - only needed for "bool", which is carried by a `Uint8Array` of 0s and 1s.
 * @throws TypeError if the shape or dtype does not fit the data.
 *
 * @example
 * ```ts
 * const frame = ndarray(new Uint16Array(512 * 512), [512, 512]);
 * const mask = ndarray(new Uint8Array([1, 0, 1]), [3], "bool");
 * ```
 */
export function ndarray<T extends TypedArray>(
  data: T,
  shape?: readonly number[],
  dtype?: DType,
): NDArray<T> {
  const natural = ArrayBuffer.isView(data) ? dtypeOf(data) : undefined;
  if (natural === undefined) throw new TypeError("ndarray: data must be a typed array");
  const chosen = dtype ?? natural;
  if (chosen !== natural && !(chosen === "bool" && natural === "uint8")) {
    throw new TypeError(
      `ndarray: dtype "${String(chosen)}" does not fit a ${data.constructor.name}`,
    );
  }
  const dims = shape === undefined ? [data.length] : [...shape];
  const count = elementCount(dims);
  if (count === undefined) {
    throw new TypeError(`ndarray: shape must be non-negative integers, got ${describe(shape)}`);
  }
  if (count !== data.length) {
    throw new TypeError(
      `ndarray: shape [${dims.join(", ")}] holds ${count} elements but data has ${data.length}`,
    );
  }
  return new NDArrayValue(data, chosen, Object.freeze(dims));
}

/**
 * Whether `value` is an {@link NDArray} made by {@link ndarray} or {@link asNDArray}.
 */
export function isNDArray(value: unknown): value is NDArray {
  return value instanceof NDArrayValue;
}

/**
 * Reads an {@link NDArray} from its decoded wire form `[bytes, dtype, shape]`
 * (MessagePack has no type for it, so `decode` returns that plain array).
 *
 * The result's `data` is the typed-array class of the dtype ("bool" gives a
 * `Uint8Array`), viewing the received bytes without a copy when their offset is
 * a multiple of the element size; otherwise, and on big-endian machines, the
 * bytes are copied. An NDArray passed in is returned as is.
 *
 * @throws DecodeError if `value` is not that form: not a 3-element array, bytes
 *   that are not binary, an unknown dtype, a bad shape, or a byte count that
 *   does not match the shape.
 *
 * @example
 * ```ts
 * const { frame } = decode<{ frame: unknown }>(bytes);
 * const image = asNDArray(frame); // image.data: Uint16Array, image.shape: [512, 512]
 * ```
 */
export function asNDArray(value: unknown): NDArray {
  if (value instanceof NDArrayValue) return value;
  if (!Array.isArray(value) || value.length !== 3) {
    throw new DecodeError(
      `asNDArray: expected a 3-element array [bytes, dtype, shape], got ${describe(value)}`,
    );
  }
  const [bytes, dtype, shape] = value as [unknown, unknown, unknown];
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError(`asNDArray: element 0 must be binary data, got ${describe(bytes)}`);
  }
  if (!isDType(dtype)) {
    throw new DecodeError(`asNDArray: unknown dtype ${describe(dtype)}`);
  }
  const count = Array.isArray(shape) ? elementCount(shape) : undefined;
  if (count === undefined) {
    throw new DecodeError(
      `asNDArray: shape must be an array of non-negative integers, got ${describe(shape)}`,
    );
  }
  const Class = arrayClassOf[dtype];
  const itemSize = Class.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== count * itemSize) {
    throw new DecodeError(
      `asNDArray: ${bytes.byteLength} bytes do not match shape [${(shape as number[]).join(", ")}] ` +
        `of ${dtype} (${count * itemSize} bytes expected)`,
    );
  }
  let data: TypedArray;
  if (hostIsLittleEndian && bytes.byteOffset % itemSize === 0) {
    data = new Class(bytes.buffer, bytes.byteOffset, count);
  } else {
    data = new Class(count);
    const copy = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    copy.set(bytes);
    if (!hostIsLittleEndian) swapBytes(copy, itemSize);
  }
  return new NDArrayValue(data, dtype, Object.freeze([...(shape as number[])]));
}

/** The bytes an NDArray puts on the wire: a view when the host is little-endian. @internal */
export function wireBytes(array: NDArray): Uint8Array {
  const { data } = array;
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (hostIsLittleEndian) return view;
  const copy = view.slice();
  swapBytes(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

/** Product of a shape, or undefined if any extent is not a non-negative safe integer. @internal */
export function elementCount(shape: readonly unknown[]): number | undefined {
  let count = 1;
  for (const extent of shape) {
    if (typeof extent !== "number" || !Number.isSafeInteger(extent) || extent < 0) return undefined;
    count *= extent;
  }
  return Number.isSafeInteger(count) ? count : undefined;
}

/** A short description of a value for error messages. @internal */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} elements`;
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (value === null) return "null";
  return typeof value === "object"
    ? `an object (${value.constructor?.name ?? "null prototype"})`
    : typeof value;
}
