import fc from "fast-check";
import type { DType, TypedArray } from "../src/index.js";
import { DecodeError, asNDArray, decode, encode, ndarray } from "../src/index.js";
import { value } from "./arbitraries.js";

const dtypes: Record<DType, (n: number) => fc.Arbitrary<TypedArray>> = {
  bool: (n) =>
    fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((v) => Uint8Array.from(v, Number)),
  uint8: (n) => fc.uint8Array({ minLength: n, maxLength: n }),
  int8: (n) => fc.int8Array({ minLength: n, maxLength: n }),
  uint16: (n) => fc.uint16Array({ minLength: n, maxLength: n }),
  int16: (n) => fc.int16Array({ minLength: n, maxLength: n }),
  uint32: (n) => fc.uint32Array({ minLength: n, maxLength: n }),
  int32: (n) => fc.int32Array({ minLength: n, maxLength: n }),
  uint64: (n) => fc.bigUint64Array({ minLength: n, maxLength: n }),
  int64: (n) => fc.bigInt64Array({ minLength: n, maxLength: n }),
  float32: (n) => fc.float32Array({ minLength: n, maxLength: n }),
  float64: (n) => fc.float64Array({ minLength: n, maxLength: n }),
};

const ndarrays = fc
  .record({
    dtype: fc.constantFrom(...(Object.keys(dtypes) as DType[])),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
  })
  .chain(({ dtype, shape }) =>
    dtypes[dtype](shape.reduce((a, b) => a * b, 1)).map((data) => ndarray(data, shape, dtype)),
  );

// Decoding a copy gives plain Uint8Array bins, as a socket would.
const roundTrip = (v: unknown): unknown => decode(new Uint8Array(encode(v)));

describe("properties", () => {
  it("decode(encode(v)) equals v for arbitrary values", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(v)).toEqual(v);
      }),
      { numRuns: 2000 },
    );
  });

  it("NDArrays of every dtype and shape survive the trip, at any alignment", () => {
    fc.assert(
      fc.property(ndarrays, fc.string({ maxLength: 9 }), (array, padding) => {
        // The padding string moves the body to every offset modulo 8.
        const decoded = roundTrip({ padding, array }) as { array: unknown };
        const back = asNDArray(decoded.array);
        expect(back.dtype).toBe(array.dtype);
        expect(back.shape).toEqual(array.shape);
        expect(back.data.constructor).toBe(array.data.constructor);
        expect(Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength)).toEqual(
          Buffer.from(array.data.buffer, array.data.byteOffset, array.data.byteLength),
        );
      }),
      { numRuns: 1000 },
    );
  });

  const onlyValueOrDecodeError = (data: Uint8Array): void => {
    try {
      decode(data);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
    }
  };

  it("decode of arbitrary bytes returns a value or throws DecodeError", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), onlyValueOrDecodeError), {
      numRuns: 3000,
    });
  });

  it("decode of damaged messages returns a value or throws DecodeError", () => {
    const damaged = fc
      .tuple(
        value,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom("flip", "cut", "insert"),
      )
      .map(([v, at, byte, how]) => {
        const bytes = new Uint8Array(encode(v));
        const i = at % (bytes.length + 1);
        if (how === "cut") return bytes.subarray(0, i);
        if (how === "insert")
          return Uint8Array.from([...bytes.subarray(0, i), byte, ...bytes.subarray(i)]);
        if (i < bytes.length) bytes[i] = byte;
        return bytes;
      });
    fc.assert(fc.property(damaged, onlyValueOrDecodeError), { numRuns: 3000 });
  });
});
