import type { TypedArray } from "../src/index.js";
import { Codec, asNDArray, decode, encode, ndarray } from "../src/index.js";

const shortest = new Codec({ alignArrays: false });

/** Byte equality, much faster than toEqual on large typed arrays. */
const sameBytes = (a: TypedArray, b: TypedArray): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );

/** Offset of the NDArray body under `key` in `bytes`, found through decode's views. */
function bodyOffset(bytes: Uint8Array, key: string): number {
  const wire = decode<Record<string, [Uint8Array]>>(bytes)[key]!;
  return wire[0].byteOffset - bytes.byteOffset;
}

// A fresh copy starts its own ArrayBuffer, as a received message does.
const received = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);

const bodies: [string, TypedArray][] = [
  ["uint16", new Uint16Array(40_000).map((_, i) => i)],
  ["float32", new Float32Array(128 * 128).map((_, i) => i / 3)],
  ["int32", new Int32Array(64 * 256).map((_, i) => -i)],
  ["float64", new Float64Array(128 * 128).map((_, i) => i / 7)],
  ["int64", new BigInt64Array(8192).map((_, i) => BigInt(i) << 40n)],
];

describe("alignment of large NDArray bodies", () => {
  it.each(bodies)("lets asNDArray view %s frames in place, whatever comes before", (_, data) => {
    for (const key of ["f", "frame", "a_much_longer_key_name"]) {
      for (const seq of [0, 7, 127, 128, 255, 1000, 65535, 70000, -5, -200]) {
        for (const t of [0.25, 3, "t"]) {
          const value = { seq, t, [key]: ndarray(data) };
          const bytes = received(encode(value));
          const image = asNDArray(decode<Record<string, unknown>>(bytes)[key]);
          expect(sameBytes(image.data, data)).toBe(true);
          expect({ key, seq, t, view: image.data.buffer === bytes.buffer }).toEqual({
            key,
            seq,
            t,
            view: true,
          });
        }
      }
    }
  });

  it("aligns arrays inside arrays and several arrays in one message", () => {
    const a = new Float64Array(9000).fill(0.5);
    const b = new Uint16Array(40000).fill(3);
    const bytes = received(encode([1, ndarray(a), [ndarray(b), "x"], { k: ndarray(a) }]));
    const [, first, [second], { k: third }] =
      decode<[number, unknown, [unknown], { k: unknown }]>(bytes);
    for (const wire of [first, second, third]) {
      expect(asNDArray(wire).data.buffer).toBe(bytes.buffer);
    }
  });

  it("leaves a body unaligned, and readable, when nothing in front can be widened", () => {
    // Before the body: two container headers and two nils, none of which can grow by an odd count.
    const data = new Uint16Array(40000).fill(9);
    const bytes = received(encode([null, null, ndarray(data)]));
    const wire = decode<[null, null, [Uint8Array]]>(bytes)[2];
    expect(wire[0].byteOffset % 2).toBe(1);
    expect(sameBytes(asNDArray(wire).data, data)).toBe(true);
  });

  it("writes the same value as the shortest encoding, only in longer headers", () => {
    const value = { seq: 1000, t: 0.25, frame: ndarray(bodies[0]![1], [200, 200]) };
    const padded = encode(value);
    const plain = shortest.encode(value);
    expect(bodyOffset(plain, "frame") % 2).toBe(1);
    expect(bodyOffset(padded, "frame") % 2).toBe(0);
    expect(padded.byteLength - plain.byteLength).toBe(1);
    const [a, b] = [decode<{ frame: unknown }>(padded), decode<{ frame: unknown }>(plain)];
    expect(sameBytes(asNDArray(a.frame).data, asNDArray(b.frame).data)).toBe(true);
    expect({ ...a, frame: null }).toEqual({ ...b, frame: null });
  });

  it("leaves bodies under 64 KiB in the shortest encoding", () => {
    const value = { seq: 1000, frame: ndarray(new Uint16Array(1000)) };
    expect(Buffer.from(encode(value)).equals(Buffer.from(shortest.encode(value)))).toBe(true);
  });
});

describe("the buffers messages are written into", () => {
  // A sent message may still be read by ZeroMQ or viewed in place by a
  // subscriber: no later encode may write into its memory.
  it.each([
    ["a small message, carved from a slab", 64],
    ["a large message, in a buffer of its own", 512 * 512],
  ])("%s is never written into by a later encode", (_, count) => {
    const pixels = new Uint16Array(count).map((_, i) => i);
    const first = encode({ seq: 1, frame: ndarray(pixels) });
    const copy = Buffer.from(first);
    for (let seq = 2; seq < 40; seq++) {
      pixels.fill(seq);
      encode({ seq, frame: ndarray(pixels) });
    }
    expect(Buffer.from(first).equals(copy)).toBe(true);
  });

  it("gives a large message a buffer of exactly its size, at offset 0", () => {
    const bytes = encode({ seq: 1, frame: ndarray(new Uint16Array(512 * 512), [512, 512]) });
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
  });
});
