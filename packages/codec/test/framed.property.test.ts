import fc from "fast-check";
import type { DType, NDArray } from "../src/index.js";
import { allocNDArray, encode, encodeChunks, ndarray } from "../src/index.js";
import { value } from "./arbitraries.js";

type Wrap = (inner: unknown) => unknown;

const key = fc.string({ unit: "binary", maxLength: 8 }).filter((k) => k !== "__proto__");

/** One level of nesting around the framed array: in a list or in a map, among other values. */
const wrap: fc.Arbitrary<Wrap> = fc.oneof(
  fc
    .tuple(fc.array(value, { maxLength: 3 }), fc.array(value, { maxLength: 3 }))
    .map(([before, after]): Wrap => (inner) => [...before, inner, ...after]),
  fc
    .tuple(
      fc.uniqueArray(key, { minLength: 1, maxLength: 5 }),
      fc.array(value, { minLength: 5, maxLength: 5 }),
      fc.nat(),
    )
    .map(([keys, values, at]): Wrap => {
      const position = at % keys.length;
      return (inner) =>
        Object.fromEntries(keys.map((k, i) => [k, i === position ? inner : values[i]]));
    }),
);

const itemSizes: Partial<Record<DType, number>> = {
  bool: 1,
  uint8: 1,
  int16: 2,
  uint32: 4,
  float32: 4,
  float64: 8,
};
const dtype = fc.constantFrom(...(Object.keys(itemSizes) as DType[]));

const bytesOf = ({ data }: NDArray): Buffer =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength);

describe("properties of framed arrays", () => {
  it("encode writes the same bytes around a framed array, in place exactly when they fit", () => {
    const seen = { inPlace: 0, copied: 0 };
    fc.assert(
      fc.property(
        fc.array(wrap, { maxLength: 3 }),
        dtype,
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 300 }),
        (wraps, type, headroom, tailroom) => {
          // 64 KiB: the smallest body encode writes in place.
          const frame = allocNDArray(type, [256, 256 / itemSizes[type]!], { headroom, tailroom });
          const pixels = bytesOf(frame);
          pixels.forEach((_, i) => (pixels[i] = type === "bool" ? i & 1 : (i * 31) & 0xff));
          const copy = ndarray(frame.data.slice(), frame.shape, frame.dtype);
          const build = (array: NDArray): unknown =>
            wraps.reduce<unknown>((inner, w) => w(inner), array);

          const expected = Buffer.from(encode(build(copy)));
          const [head] = encodeChunks(build(copy));
          const tail = expected.byteLength - head!.byteLength - pixels.byteLength;
          const fits = head!.byteLength <= frame.data.byteOffset && tail <= tailroom;

          const message = encode(build(frame));
          expect(Buffer.from(message).equals(expected)).toBe(true);
          expect(message.buffer === frame.data.buffer).toBe(fits);
          seen[fits ? "inPlace" : "copied"]++;
          expect(bytesOf(frame).equals(bytesOf(copy))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    // Both outcomes were exercised (room sizes from 0 make copies common enough).
    expect(seen.inPlace).toBeGreaterThan(0);
    expect(seen.copied).toBeGreaterThan(0);
  });
});
