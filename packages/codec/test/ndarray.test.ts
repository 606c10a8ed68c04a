import { DecodeError, asNDArray, decode, encode, isNDArray, ndarray } from "../src/index.js";
import type { DType, TypedArray } from "../src/index.js";

const samples: [DType, TypedArray][] = [
  ["bool", new Uint8Array([1, 0, 1, 1, 0, 0])],
  ["uint8", new Uint8Array([0, 1, 2, 253, 254, 255])],
  ["int8", new Int8Array([-128, -1, 0, 1, 2, 127])],
  ["uint16", new Uint16Array([0, 1, 2, 3, 65534, 65535])],
  ["int16", new Int16Array([-32768, -1, 0, 1, 2, 32767])],
  ["uint32", new Uint32Array([0, 1, 2, 3, 4, 2 ** 32 - 1])],
  ["int32", new Int32Array([-(2 ** 31), -1, 0, 1, 2, 2 ** 31 - 1])],
  ["uint64", new BigUint64Array([0n, 1n, 2n, 3n, 2n ** 53n + 1n, 2n ** 64n - 1n])],
  ["int64", new BigInt64Array([-(2n ** 63n), -1n, 0n, 1n, 2n, 2n ** 63n - 1n])],
  ["float32", new Float32Array([0.5, -1.25, Infinity, -Infinity, NaN, 3])],
  ["float64", new Float64Array([Math.PI, -0, 1e300, 5e-324, NaN, -Infinity])],
];

describe("ndarray", () => {
  it("takes the dtype from the typed-array class and defaults to one dimension", () => {
    const array = ndarray(new Float32Array(6));
    expect(array.dtype).toBe("float32");
    expect(array.shape).toEqual([6]);
    expect(ndarray(new Uint8ClampedArray(2)).dtype).toBe("uint8");
    expect(isNDArray(array)).toBe(true);
    expect(isNDArray({ data: new Float32Array(6), dtype: "float32", shape: [6] })).toBe(false);
  });

  it("does not copy the data", () => {
    const data = new Uint16Array(6);
    expect(ndarray(data, [2, 3]).data).toBe(data);
  });

  it("accepts bool only for a Uint8Array", () => {
    expect(ndarray(new Uint8Array([1, 0]), [2], "bool").dtype).toBe("bool");
    expect(() => ndarray(new Int8Array(2), [2], "bool")).toThrow(/does not fit a Int8Array/);
    expect(() => ndarray(new Float32Array(2), [2], "float64")).toThrow(TypeError);
  });

  it("rejects a shape that does not hold the data", () => {
    expect(() => ndarray(new Uint8Array(6), [4, 2])).toThrow(
      "ndarray: shape [4, 2] holds 8 elements but data has 6",
    );
    expect(() => ndarray(new Uint8Array(6), [-2, -3])).toThrow(/non-negative integers/);
    expect(() => ndarray(new Uint8Array(6), [1.5, 4])).toThrow(/non-negative integers/);
    expect(() => ndarray([1, 2] as unknown as Uint8Array)).toThrow(
      "ndarray: data must be a typed array",
    );
  });

  it("freezes its shape", () => {
    const array = ndarray(new Uint8Array(6), [2, 3]);
    expect(Object.isFrozen(array.shape)).toBe(true);
    expect(Object.isFrozen(array)).toBe(true);
  });
});

describe("asNDArray", () => {
  it.each(samples)(
    "round-trips %s through encode/decode with its class, shape and values",
    (dtype, data) => {
      const decoded = decode<{ a: unknown }>(encode({ a: ndarray(data, [2, 3], dtype) }));
      const array = asNDArray(decoded.a);
      expect(array.dtype).toBe(dtype);
      expect(array.shape).toEqual([2, 3]);
      expect(array.data.constructor).toBe(data.constructor);
      expect(array.data).toEqual(data);
    },
  );

  it("views the received bytes without copying when they are aligned", () => {
    const bytes = new Uint8Array(16);
    new Float64Array(bytes.buffer).set([1.5, -2]);
    const array = asNDArray([bytes.subarray(0, 16), "float64", [2]]);
    expect(array.data.buffer).toBe(bytes.buffer);
    expect(Array.from(array.data as Float64Array)).toEqual([1.5, -2]);
  });

  it("copies misaligned bytes and still reads them right", () => {
    const backing = new Uint8Array(9);
    backing.set(new Uint8Array(new Float64Array([42.25]).buffer), 1);
    const array = asNDArray([backing.subarray(1), "float64", []]);
    expect(array.data.buffer).not.toBe(backing.buffer);
    expect(array.data[0]).toBe(42.25);
    expect(array.shape).toEqual([]);
  });

  it("returns an NDArray as is", () => {
    const array = ndarray(new Int32Array(3));
    expect(asNDArray(array)).toBe(array);
  });

  it.each([
    [
      "not an array",
      { data: 1 },
      "expected a 3-element array [bytes, dtype, shape], got an object (Object)",
    ],
    ["two elements", [new Uint8Array(2), "uint8"], "got an array of 2 elements"],
    ["four elements", [new Uint8Array(2), "uint8", [2], 0], "got an array of 4 elements"],
    ["no bytes", ["ab", "uint8", [2]], 'element 0 must be binary data, got "ab"'],
    ["an unknown dtype", [new Uint8Array(16), "complex128", [1]], 'unknown dtype "complex128"'],
    ["a big-endian dtype", [new Uint8Array(2), ">u2", [1]], 'unknown dtype ">u2"'],
    [
      "a bad shape",
      [new Uint8Array(2), "uint8", [-2]],
      "shape must be an array of non-negative integers",
    ],
    ["a shape that is not an array", [new Uint8Array(2), "uint8", 2], "got number"],
    [
      "too few bytes",
      [new Uint8Array(6), "uint16", [2, 2]],
      "6 bytes do not match shape [2, 2] of uint16 (8 bytes expected)",
    ],
    [
      "too many bytes",
      [new Uint8Array(3), "uint8", [2]],
      "3 bytes do not match shape [2] of uint8",
    ],
  ])("rejects %s with a DecodeError", (_, value, message) => {
    expect(() => asNDArray(value)).toThrow(DecodeError);
    expect(() => asNDArray(value)).toThrow(message);
  });
});
