export { Codec, decode, encode, encodeChunks } from "./codec.js";
export type { CodecOptions } from "./codec.js";
export { DecodeError, EncodeError } from "./decode-error.js";
export type { DType, TypedArray, TypedArrayOf } from "./dtype.js";
export { allocNDArray } from "./framed.js";
export type { AllocNDArrayOptions } from "./framed.js";
export { asNDArray, isNDArray, ndarray } from "./ndarray.js";
export type { NDArray } from "./ndarray.js";
