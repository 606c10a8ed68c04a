import { deepStrictEqual } from "node:assert/strict";
import { Codec, DecodeError, asNDArray, decode, encode, ndarray } from "../src/index.js";

/** A frame-like record: decoded through the binary path (views over the input). */
const withBinary = { seq: 3, frame: ndarray(new Uint16Array([1, 2, 3, 4]), [2, 2]) };
/** Decoded through the small path (no binary values, under 1 KiB). */
const small = { seq: 7919, t: 1_732_500_000.5, name: "camera-1", at: new Date(1500) };
/** No binary values, but too large for the small path. */
const large = { names: Array.from({ length: 200 }, (_, i) => `plugin-${i}`), n: 2 ** 40 };

type Shape =
  "Buffer" | "Uint8Array" | "Buffer inside a larger one" | "Uint8Array inside a larger one";

/** `bytes` in the given shape, and an untouched twin of the same shape to compare with. */
function inputs(bytes: Uint8Array, shape: Shape): { input: Uint8Array; twin: Uint8Array } {
  const make = (): Uint8Array => {
    switch (shape) {
      case "Buffer":
        // Its own memory, not a slice of Node's shared pool.
        return Buffer.from(new Uint8Array(bytes).buffer);
      case "Uint8Array":
        return new Uint8Array(bytes);
      case "Buffer inside a larger one": {
        const outer = Buffer.alloc(bytes.byteLength + 16, 0xee);
        outer.set(bytes, 8);
        return outer.subarray(8, 8 + bytes.byteLength);
      }
      case "Uint8Array inside a larger one": {
        const outer = new Uint8Array(bytes.byteLength + 16).fill(0xee);
        outer.set(bytes, 8);
        return outer.subarray(8, 8 + bytes.byteLength);
      }
    }
  };
  return { input: make(), twin: make() };
}

/** The bytes around `view` in its buffer, up to 8 on each side. */
function around(view: Uint8Array): Uint8Array {
  const start = Math.max(0, view.byteOffset - 8);
  const end = Math.min(view.buffer.byteLength, view.byteOffset + view.byteLength + 8);
  return new Uint8Array(view.buffer, start, end - start);
}

/** Fails unless `input` is exactly as it was: same bytes, around it too, and no property added. */
function expectUntouched(input: Uint8Array, twin: Uint8Array): void {
  deepStrictEqual(Object.getOwnPropertyNames(input), Object.getOwnPropertyNames(twin));
  deepStrictEqual(input, twin);
  deepStrictEqual(around(input), around(twin));
}

const shapes: Shape[] = [
  "Buffer",
  "Uint8Array",
  "Buffer inside a larger one",
  "Uint8Array inside a larger one",
];
const values: [string, unknown][] = [
  ["a small record", small],
  ["a record with binary data", withBinary],
  ["a large record without binary data", large],
];
const decoders: [string, (data: Uint8Array) => unknown][] = [
  ["decode", (data) => decode(data)],
  ["Codec#decode", (data) => new Codec().decode(data)],
  [
    "Codec#decode with alignArrays: false",
    (data) => new Codec({ alignArrays: false }).decode(data),
  ],
];

describe("decode leaves its input alone", () => {
  describe.each(decoders)("%s", (_, decodeWith) => {
    it.each(
      shapes.flatMap((shape) => values.map(([name, value]) => [shape, name, value] as const)),
    )("a %s holding %s", (shape, _name, value) => {
      const { input, twin } = inputs(encode(value), shape);
      decodeWith(input);
      expectUntouched(input, twin);
      // A second decode of the same input, as a subscriber's retry might do.
      decodeWith(input);
      expectUntouched(input, twin);
    });
  });

  it.each(shapes)("a %s that fails to decode", (shape) => {
    const { input, twin } = inputs(Uint8Array.of(0x92, 0x01), shape);
    expect(() => decode(input)).toThrow(DecodeError);
    expectUntouched(input, twin);
  });

  it.each(shapes)("and asNDArray leaves a %s and the decoded form alone", (shape) => {
    const { input, twin } = inputs(encode(withBinary), shape);
    const { frame } = decode<{ frame: unknown[] }>(input);
    const before = [...frame];
    const names = Object.getOwnPropertyNames(frame);
    const image = asNDArray(frame);
    expect(image.data).toEqual(Uint16Array.of(1, 2, 3, 4));
    deepStrictEqual(frame, before);
    deepStrictEqual(Object.getOwnPropertyNames(frame), names);
    expectUntouched(input, twin);
  });

  it.each(shapes)("a %s keeps its kind in the binary values decoded from it", (shape) => {
    const { input } = inputs(encode({ data: Uint8Array.of(1, 2, 3) }), shape);
    const { data } = decode<{ data: Uint8Array }>(input);
    expect(Buffer.isBuffer(data)).toBe(Buffer.isBuffer(input));
    // Still a view over the input's memory, not a copy.
    expect(data.buffer).toBe(input.buffer);
    expect(Array.from(data)).toEqual([1, 2, 3]);
  });

  it("ignores a dataView property the caller's buffer already carries", () => {
    for (const value of [small, withBinary, large]) {
      const input = Buffer.from(encode(value));
      const stale = new DataView(new ArrayBuffer(input.byteLength));
      Object.defineProperty(input, "dataView", { value: stale, enumerable: true });
      expect(decode(input)).toEqual(decode(encode(value)));
    }
  });
});
