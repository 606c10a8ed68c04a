/**
 * Element types an {@link NDArray} can carry, spelled as numpy's `str(arr.dtype)`
 * (little-endian on the wire).
 */
export type DType =
  | "bool"
  | "uint8"
  | "int8"
  | "uint16"
  | "int16"
  | "uint32"
  | "int32"
  | "uint64"
  | "int64"
  | "float32"
  | "float64";

/** The typed-array classes that can back an {@link NDArray}. */
export type TypedArray =
  | Uint8Array
  | Uint8ClampedArray
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** The typed-array class that carries each dtype ("bool" is a `Uint8Array` of 0s and 1s). */
export interface TypedArrayOf {
  bool: Uint8Array;
  uint8: Uint8Array;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  uint32: Uint32Array;
  int32: Int32Array;
  uint64: BigUint64Array;
  int64: BigInt64Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** @internal */
export interface TypedArrayConstructor {
  readonly BYTES_PER_ELEMENT: number;
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
}

/** The typed-array class each dtype decodes to. @internal */
export const arrayClassOf: Readonly<Record<DType, TypedArrayConstructor>> = {
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  uint64: BigUint64Array,
  int64: BigInt64Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** Whether `value` names a supported dtype. @internal */
export function isDType(value: unknown): value is DType {
  return typeof value === "string" && Object.hasOwn(arrayClassOf, value);
}

const dtypeByTag: Readonly<Record<string, DType>> = {
  Uint8Array: "uint8",
  Uint8ClampedArray: "uint8",
  Int8Array: "int8",
  Uint16Array: "uint16",
  Int16Array: "int16",
  Uint32Array: "uint32",
  Int32Array: "int32",
  BigUint64Array: "uint64",
  BigInt64Array: "int64",
  Float32Array: "float32",
  Float64Array: "float64",
};

/**
 * The dtype a typed array carries by default (a `Uint8Array` is "uint8", never
 * "bool"). Read from the built-in `Symbol.toStringTag` rather than `instanceof`,
 * so arrays from another realm (a `vm` context, a test sandbox) are recognised.
 * @internal
 */
export function dtypeOf(data: ArrayBufferView): DType | undefined {
  const tag = (data as Partial<TypedArray>)[Symbol.toStringTag];
  return tag === undefined ? undefined : dtypeByTag[tag];
}

/** Whether this machine stores numbers little-endian, as the wire form does. @internal */
export const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reverses the byte order of every `itemSize`-byte element of `bytes`, in place.
 * Only big-endian hosts need it, to turn wire (little-endian) bytes into native ones and back.
 * @internal
 */
export function swapBytes(bytes: Uint8Array, itemSize: number): void {
  if (itemSize === 1) return;
  for (let i = 0; i < bytes.length; i += itemSize) {
    for (let lo = i, hi = i + itemSize - 1; lo < hi; lo++, hi--) {
      const b = bytes[lo]!;
      bytes[lo] = bytes[hi]!;
      bytes[hi] = b;
    }
  }
}
