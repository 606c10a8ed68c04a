import type { NDArray } from "../src/index.js";
import {
  Codec,
  allocNDArray,
  asNDArray,
  decode,
  encode,
  encodeChunks,
  ndarray,
} from "../src/index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** A framed array filled with a recognisable pattern. */
function framed(options?: Parameters<typeof allocNDArray>[2]): NDArray<Uint16Array> {
  const frame = allocNDArray("uint16", [256, 256], options);
  frame.data.forEach((_, i, data) => (data[i] = i * 7));
  return frame;
}

/** The same array in ordinary memory, for the copying encoder. */
const copyOf = (array: NDArray): NDArray => ndarray(array.data.slice(), array.shape, array.dtype);

const bytesOf = ({ data }: NDArray): Buffer =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** Whether `message` is written in `array`'s own buffer, around its elements. */
const inPlace = (message: Uint8Array, array: NDArray): boolean =>
  message.buffer === array.data.buffer;

describe("allocNDArray", () => {
  it("returns a zero-filled NDArray of the dtype and shape, 8-byte aligned", () => {
    const frame = allocNDArray("float32", [3, 4]);
    expect(frame.data).toBeInstanceOf(Float32Array);
    expect(frame.dtype).toBe("float32");
    expect(frame.shape).toEqual([3, 4]);
    expect([...frame.data]).toEqual(new Array<number>(12).fill(0));
    expect(frame.data.byteOffset).toBe(4096);
    expect(frame.data.buffer.byteLength).toBe(4096 + 48 + 256);
    const mask = allocNDArray("bool", [5], { headroom: 13, tailroom: 0 });
    expect(mask.data).toBeInstanceOf(Uint8Array);
    expect(mask.data.byteOffset).toBe(16); // headroom rounded up to a multiple of 8
    expect(mask.data.buffer.byteLength).toBe(16 + 5);
  });

  it("rejects an unknown dtype, a bad shape and bad room sizes", () => {
    expect(() => allocNDArray("float16" as "uint8", [1])).toThrow(/unknown dtype "float16"/);
    expect(() => allocNDArray("uint8", [2, -1])).toThrow(/non-negative integers/);
    expect(() => allocNDArray("uint8", 3 as unknown as number[])).toThrow(/non-negative integers/);
    expect(() => allocNDArray("uint8", [1], { headroom: -1 })).toThrow(/headroom/);
    expect(() => allocNDArray("uint8", [1], { tailroom: 1.5 })).toThrow(/tailroom/);
  });
});

describe("encode of a framed NDArray", () => {
  const frame = framed();
  const others: [string, (f: NDArray) => unknown][] = [
    ["alone", (f) => f],
    ["after fields", (f) => ({ seq: 1, t: 0.25, name: "cam", frame: f })],
    ["before fields", (f) => ({ frame: f, seq: 2 ** 40, at: new Date(0), ok: true })],
    ["between fields", (f) => ({ a: [1, "x"], frame: f, b: { c: null } })],
    ["in an array", (f) => [null, null, f]],
    ["nested deep", (f) => ({ meta: { list: [{ frame: f }], more: -3 } })],
    ["after a small array", (f) => ({ small: ndarray(new Int8Array(10)), frame: f })],
  ];

  it.each(others)("writes the message around the pixels (%s), byte for byte as usual", (_, of) => {
    const message = encode(of(frame));
    expect(inPlace(message, frame)).toBe(true);
    expect(hex(message)).toBe(hex(encode(of(copyOf(frame)))));
    expect(hex(message)).toBe(hex(Buffer.concat(encodeChunks(of(copyOf(frame))))));
  });

  it.each(["uint8", "int16", "float32", "float64", "uint64"] as const)(
    "keeps %s bodies aligned, and the decoder views them in place",
    (dtype) => {
      const array = allocNDArray(dtype, [1 << 16]);
      // Field lengths 0..8 shift the body to every offset modulo 8 before alignment.
      for (let pad = 0; pad <= 8; pad++) {
        const value = { p: "x".repeat(pad), array };
        const message = encode(value);
        expect(inPlace(message, array)).toBe(true);
        expect(hex(message)).toBe(hex(encode({ p: "x".repeat(pad), array: copyOf(array) })));
        const back = asNDArray(decode<{ array: unknown }>(message).array);
        // A view of the very same memory: no copy on either side.
        expect(back.data.buffer).toBe(array.data.buffer);
        expect(back.data.byteOffset).toBe(array.data.byteOffset);
      }
    },
  );

  it("decodes to the same pixels", () => {
    const { frame: back } = decode<{ frame: unknown }>(encode({ seq: 1, frame }));
    expect(bytesOf(asNDArray(back)).equals(bytesOf(frame))).toBe(true);
  });

  /** A value made of `arrays`: run on framed arrays and on ordinary copies of them. */
  type Case = [name: string, arrays: () => NDArray[], of: (arrays: NDArray[]) => unknown];
  it.each<Case>([
    ["two framed arrays", () => [framed(), framed()], ([a, b]) => ({ a, b })],
    ["the same framed array twice", () => [framed()], ([a]) => [a, a]],
    [
      "too much before it for the headroom",
      () => [framed({ headroom: 16 })],
      ([frame]) => ({ name: "a name longer than sixteen bytes", frame }),
    ],
    ["too much after it for the tailroom", () => [framed()], ([a]) => [a, "y".repeat(300)]],
    ["no room at all", () => [framed({ headroom: 0, tailroom: 0 })], ([a]) => a],
    ["a view of part of it", () => [ndarray(framed().data.subarray(0, 1 << 15))], ([a]) => [a]],
    [
      "an array under 64 KiB",
      () => {
        const small = allocNDArray("uint8", [1000]);
        small.data.fill(9);
        return [small];
      },
      ([small]) => ({ small }),
    ],
  ])("copies as usual with %s", (_, arrays, of) => {
    const framedArrays = arrays();
    const message = encode(of(framedArrays));
    for (const array of framedArrays) expect(inPlace(message, array)).toBe(false);
    expect(hex(message)).toBe(hex(encode(of(framedArrays.map(copyOf)))));
  });

  it("copies as usual with alignArrays: false, in the shortest form", () => {
    const shortest = new Codec({ alignArrays: false });
    const message = shortest.encode({ seq: 1, frame });
    expect(inPlace(message, frame)).toBe(false);
    expect(hex(message)).toBe(hex(shortest.encode({ seq: 1, frame: copyOf(frame) })));
  });

  it("leaves the pixels untouched", () => {
    const array = framed();
    const before = Buffer.from(bytesOf(array));
    encode({ x: "y".repeat(1000), array, z: [1, 2, 3] });
    expect(bytesOf(array).equals(before)).toBe(true);
  });
});
