import { runInThisContext } from "node:vm";
import {
  Codec,
  EncodeError,
  asNDArray,
  decode,
  encode,
  encodeChunks,
  ndarray,
} from "../src/index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const bytes = (text: string): Uint8Array =>
  new Uint8Array(Buffer.from(text.replace(/\s/g, ""), "hex"));

describe("encode: what maps to what", () => {
  it.each([
    ["null", null, "c0"],
    ["undefined", undefined, "c0"],
    ["true", true, "c3"],
    ["false", false, "c2"],
    ["a positive fixint", 5, "05"],
    ["a negative fixint", -32, "e0"],
    ["uint8", 200, "ccc8"],
    ["int16", -300, "d1fed4"],
    ["uint32", 2 ** 32 - 1, "ceffffffff"],
    ["a whole number beyond 32 bits, as uint64", 2 ** 40, "cf0000010000000000"],
    ["a negative whole number beyond 32 bits, as int64", -(2 ** 40), "d3ffffff0000000000"],
    ["2^53, as uint64", 2 ** 53, "cf0020000000000000"],
    ["a fraction, as float64", 0.5, "cb3fe0000000000000"],
    ["-0, as the int 0", -0, "00"],
    ["a whole number beyond 2^53, as float64", 2 ** 60, "cb43b0000000000000"],
    ["NaN", NaN, "cb7ff8000000000000"],
    ["a positive bigint, as uint64", 2n ** 63n, "cf8000000000000000"],
    ["a small bigint, still 64-bit", 5n, "cf0000000000000005"],
    ["a negative bigint, as int64", -(2n ** 63n), "d38000000000000000"],
    ["a string", "hé", "a368c3a9"],
    ["a Uint8Array, as bin", new Uint8Array([1, 2]), "c4020102"],
    ["a Buffer, as bin", Buffer.from([3]), "c40103"],
    ["an ArrayBuffer, as bin", new Uint8Array([4]).buffer, "c40104"],
    ["a DataView, as bin", new DataView(new Uint8Array([9, 8, 7]).buffer, 1, 2), "c4020807"],
    ["a lone surrogate, as U+FFFD", "\ud800", "a3efbfbd"],
    ["a Date on a whole second, as timestamp 32", new Date(0), "d6ff00000000"],
    ["a Date with milliseconds, as timestamp 64", new Date(1500), "d7ff7735940000000001"],
    ["a Date before 1970, as timestamp 96", new Date(-1000), "c70cff00000000ffffffffffffffff"],
    ["an array", [1, [2]], "92019102"],
    ["an object, keys in insertion order", { b: 1, a: 2 }, "82a16201a16102"],
    ["a Map", new Map<unknown, unknown>([[1, "x"]]), "8101a178"],
    ["a Set, as an array", new Set([1, 2]), "920102"],
    ["an NDArray", ndarray(new Uint8Array([7]), [1]), "93c40107a575696e74389101"],
  ])("%s", (_, value, expected) => {
    expect(hex(encode(value))).toBe(expected);
  });

  it("writes other typed arrays as bin of their raw bytes", () => {
    // Jest gives test code its own Uint16Array but Node's Uint8Array; msgpackr, like
    // application code, knows the typed arrays of Node's realm.
    const NodeUint16Array = runInThisContext("Uint16Array") as Uint16ArrayConstructor;
    expect(hex(encode(new NodeUint16Array([0x0102])))).toBe("c4020201");
  });

  it("writes class instances as their own enumerable properties, honouring toJSON", () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    class Temperature {
      constructor(readonly kelvin: number) {}
      toJSON(): string {
        return `${this.kelvin} K`;
      }
    }
    expect(decode(encode(new Point(1, 2)))).toEqual({ x: 1, y: 2 });
    expect(decode(encode(new Temperature(3)))).toBe("3 K");
  });

  it.each([
    ["a symbol", Symbol("s"), /symbol/],
    ["a function", () => 1, "cannot encode a function"],
    ["a bigint wider than 64 bits", 2n ** 64n, /too large/],
    ["a negative bigint wider than 64 bits", -(2n ** 63n) - 1n, /too large/],
    ["an invalid Date", new Date(NaN), "cannot encode an invalid Date"],
  ])("rejects %s with an EncodeError", (_, value, message) => {
    expect(() => encode({ nested: [value] })).toThrow(EncodeError);
    expect(() => encode({ nested: [value] })).toThrow(message);
  });

  it("rejects a cycle with an EncodeError and keeps working afterwards", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encode(cyclic)).toThrow("nested too deeply or contains a cycle");
    expect(hex(encode({ a: 1 }))).toBe("81a16101");
  });

  it("can write functions as nil and leave out undefined properties", () => {
    const codec = new Codec({ functions: "nil", undefinedProperties: "omit" });
    expect(codec.decode(codec.encode({ f: () => 1, u: undefined, k: 1 }))).toEqual({
      f: null,
      k: 1,
    });
    expect(decode(encode({ u: undefined }))).toEqual({ u: null });
  });

  it("finds NDArrays anywhere inside the value", () => {
    const value = { a: [{ b: ndarray(new Int16Array([-1, 2]), [1, 2]) }] };
    const decoded = decode<{ a: [{ b: unknown }] }>(encode(value));
    expect(asNDArray(decoded.a[0].b).data).toEqual(new Int16Array([-1, 2]));
  });

  it("returns independent results from consecutive calls", () => {
    const first = encode({ n: 1 });
    const copy = hex(first);
    encode({ n: 2 });
    expect(hex(first)).toBe(copy);
  });
});

describe("decode: what maps to what", () => {
  it("gives maps as plain objects, with non-string keys as strings", () => {
    expect(decode(bytes("82 01 a1 61 a1 62 c3"))).toEqual({ "1": "a", b: true });
  });

  it("keeps 64-bit integers within ±2^53 as numbers and gives the others as bigint", () => {
    expect(decode(bytes("cf 0020000000000000"))).toBe(2 ** 53);
    expect(decode(bytes("cf 0020000000000001"))).toBe(2n ** 53n + 1n);
    expect(decode(bytes("d3 ffe0000000000000"))).toBe(-(2 ** 53));
    expect(decode(bytes("d3 ffdfffffffffffff"))).toBe(-(2n ** 53n) - 1n);
  });

  it("reads float32 and every timestamp form", () => {
    expect(decode(bytes("ca 3f000000"))).toBe(0.5);
    expect(decode(bytes("d6ff 00000001"))).toEqual(new Date(1000));
    expect(decode(bytes("d7ff 77359400 00000001"))).toEqual(new Date(1500));
    expect(decode(bytes("c70cff 00000000 ffffffffffffffff"))).toEqual(new Date(-1000));
  });

  it("gives binary values as views over the input, without a copy", () => {
    const input = bytes("91 c4 03 010203");
    const [bin] = decode<[Uint8Array]>(input);
    expect(bin.buffer).toBe(input.buffer);
    expect(Array.from(bin)).toEqual([1, 2, 3]);
  });

  it("never lets a __proto__ key reach the prototype", () => {
    const decoded = decode<Record<string, unknown>>(bytes("81 a9 5f5f70726f746f5f5f 81 a1 78 01"));
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect((decoded as { x?: unknown }).x).toBeUndefined();
    expect(decoded).toEqual({ __proto_: { x: 1 } });
    expect(({} as { x?: unknown }).x).toBeUndefined();
  });
});

describe("encodeChunks", () => {
  const pixels = new Uint16Array(512 * 512).map((_, i) => i);
  const message = { seq: 1, t: 0.25, frame: ndarray(pixels, [512, 512]) };

  it("returns chunks whose concatenation is exactly encode(value)", () => {
    expect(hex(Buffer.concat(encodeChunks(message)))).toBe(hex(encode(message)));
  });

  it("hands out a large array's own memory instead of a copy", () => {
    const chunks = encodeChunks(message);
    expect(chunks).toHaveLength(3);
    expect(chunks[1]!.buffer).toBe(pixels.buffer);
    expect(chunks[1]!.byteLength).toBe(pixels.byteLength);
    // Everything but the pixels: the header up to the bin length, then dtype and shape.
    expect(chunks[0]!.byteLength + chunks[2]!.byteLength).toBeLessThan(64);
  });

  it("splits around several large arrays and keeps small ones inline", () => {
    const a = new Float64Array(1000).fill(1.5);
    const b = new Int8Array(5000).fill(-3);
    const value = {
      list: [ndarray(a), "between", ndarray(new Uint8Array(3))],
      b: ndarray(b),
      after: 2 ** 40,
    };
    const chunks = encodeChunks(value);
    expect(chunks.map((c) => c.buffer === a.buffer || c.buffer === b.buffer)).toEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(hex(Buffer.concat(chunks))).toBe(hex(encode(value)));
  });

  it("returns one chunk when nothing is large", () => {
    expect(encodeChunks({ a: ndarray(new Uint8Array(10)) })).toHaveLength(1);
  });

  it("keeps encodes nested in a toJSON independent", () => {
    const shortest = new Codec({ alignArrays: false });
    const big = ndarray(new Uint8Array(5000).fill(4));
    class Inner {
      toJSON(): Uint8Array {
        return shortest.encode({ big });
      }
    }
    const inner = new Inner();
    const [nested] = decode<[Uint8Array]>(Buffer.concat(encodeChunks([inner, big])));
    expect(Buffer.from(nested).equals(Buffer.from(shortest.encode({ big })))).toBe(true);
  });

  it("does not mistake a user's 16-byte binary for a marker", () => {
    const value = [new Uint8Array(16).fill(7), ndarray(new Uint8Array(5000))];
    expect(hex(Buffer.concat(encodeChunks(value)))).toBe(hex(encode(value)));
  });
});
