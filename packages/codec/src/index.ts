export { Codec, decode, encode, encodeChunks } from "./codec.js";
export type { CodecOptions } from "./codec.js";
export { DecodeError, EncodeError } from "./decode-error.js";
export type { DType, TypedArray } from "./dtype.js";
export { asNDArray, isNDArray, ndarray } from "./ndarray.js";
export type { NDArray } from "./ndarray.js";
