import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { findPython } from "@sunflare/jest-config/python";
import { Codec, allocNDArray, asNDArray, decode, encode, ndarray } from "../src/index.js";

const { python, tried } = findPython("msgpack, numpy");

function frameMessage(pixels: Uint16Array, note: string): Record<string, unknown> {
  return {
    seq: 1000,
    note,
    sum: pixels.reduce((a, b) => a + b, 0),
    last: pixels[pixels.length - 1],
    frame: ndarray(pixels, [512, 512]),
  };
}

/** Offset of the NDArray body under `key` in `bytes`. */
function bodyOffset(bytes: Uint8Array, key: string): number {
  return decode<Record<string, [Uint8Array]>>(bytes)[key]![0].byteOffset - bytes.byteOffset;
}

function message(): { value: Record<string, unknown>; expect: Record<string, unknown> } {
  const frame = new Uint16Array(48 * 64).map((_, i) => (i * 37) % 4096);
  const arrays = {
    bool: ndarray(new Uint8Array([1, 0, 1]), [3], "bool"),
    int8: ndarray(new Int8Array([-128, 0, 127, 5]), [2, 2]),
    int32: ndarray(new Int32Array([-(2 ** 31), 2 ** 31 - 1]), [1, 2]),
    uint64: ndarray(new BigUint64Array([2n ** 64n - 1n, 0n])),
    int64: ndarray(new BigInt64Array([-(2n ** 63n), 7n])),
    float32: ndarray(new Float32Array([0.5, -2.25, 1e30]), [3, 1, 1]),
    float64: ndarray(new Float64Array([Math.PI, -1e-300])),
  };
  const expect = {
    frameSum: frame.reduce((a, b) => a + b, 0),
    frame_1_2: frame[64 + 2],
    shapes: Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, a.shape])),
    // Small bigints as numbers: a bigint is always written in 64 bits, Python writes the
    // shortest form, and the byte comparison below needs one encoding.
    values: Object.fromEntries(
      Object.entries(arrays).map(([k, a]) => [
        k,
        Array.from(a.data as ArrayLike<number | bigint>, (x) =>
          typeof x === "bigint" && Number.isSafeInteger(Number(x))
            ? Number(x)
            : k === "bool"
              ? x === 1
              : x,
        ),
      ]),
    ),
  };
  const value = {
    expect,
    frame: ndarray(frame, [48, 64]),
    arrays,
    big: [2n ** 63n, -(2n ** 63n), 2n ** 53n + 1n, 2 ** 40],
    when: new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 123)),
    text: "héllo ✓ 🎉",
    raw: new Uint8Array([0, 1, 0xfe, 0xff]),
    nothing: null,
    flags: [true, false],
    half: 0.5,
  };
  return { value, expect };
}

if (python === undefined) {
  it("needs a Python with msgpack and numpy for the live round trip", () => {
    const why = `no Python with msgpack and numpy among ${tried.join(", ")} (set SUNFLARE_PYTHON, or install python3-msgpack and python3-numpy)`;
    if (process.env.CI === "true") throw new Error(why);
    console.warn(`live Python round trip not run: ${why}`);
  });
} else {
  describe(`live round trip with ${python}`, () => {
    it("Python decodes what TypeScript encodes, and TypeScript decodes Python's reply", () => {
      const { value } = message();
      const sent = encode(value);
      const run = spawnSync(python, [join(__dirname, "roundtrip.py")], {
        input: sent,
        timeout: 30_000,
      });
      expect(run.stderr.toString()).toBe("");
      expect(run.status).toBe(0);
      const reply = new Uint8Array(run.stdout);

      // Python re-encoded everything it decoded: the very same bytes.
      expect(Buffer.from(reply).equals(Buffer.from(sent))).toBe(true);

      const back = decode<Record<string, unknown>>(reply);
      expect(back.big).toEqual(value.big);
      expect(back.when).toEqual(value.when);
      expect(back.text).toBe(value.text);
      expect(back.raw).toEqual(value.raw);
      const frame = asNDArray(back.frame);
      expect(frame.shape).toEqual([48, 64]);
      expect(frame.data).toEqual((value.frame as ReturnType<typeof ndarray>).data);
      for (const [name, array] of Object.entries(
        value.arrays as Record<string, ReturnType<typeof ndarray>>,
      )) {
        const got = asNDArray((back.arrays as Record<string, unknown>)[name]);
        expect([got.dtype, got.shape, got.data]).toEqual([array.dtype, array.shape, array.data]);
      }
    });

    it("Python reads a 512x512 frame whose headers were padded for alignment", () => {
      const pixels = new Uint16Array(512 * 512).map((_, i) => (i * 7) & 0xffff);
      const shortest = new Codec({ alignArrays: false });
      // The note's length moves the body; take the first that leaves it misaligned, so the encoder must pad.
      const note = ["", "a", "ab", "abc"].find(
        (text) => bodyOffset(shortest.encode(frameMessage(pixels, text)), "frame") % 2 === 1,
      )!;
      const value = frameMessage(pixels, note);
      const sent = encode(value);
      const run = spawnSync(python, [join(__dirname, "roundtrip.py"), "frame"], {
        input: sent,
        timeout: 30_000,
      });
      expect(run.stderr.toString()).toBe("");
      expect(run.status).toBe(0);
      // Python writes the shortest form back, exactly as our alignArrays: false does.
      expect(Buffer.from(run.stdout).equals(Buffer.from(shortest.encode(value)))).toBe(true);
      const back = decode<{ seq: number; frame: unknown }>(new Uint8Array(run.stdout));
      expect(back.seq).toBe(1000);
      expect(bodyOffset(sent, "frame") % 2).toBe(0);
      const image = asNDArray(back.frame).data;
      expect(
        Buffer.from(image.buffer, image.byteOffset, image.byteLength).equals(
          Buffer.from(pixels.buffer),
        ),
      ).toBe(true);
    });

    it("Python reads a frame encoded in place around an allocNDArray", () => {
      const framed = allocNDArray("uint16", [512, 512]);
      framed.data.forEach((_, i, data) => (data[i] = (i * 11) & 0xffff));
      const value = { ...frameMessage(framed.data, "in place"), frame: framed };
      const sent = encode(value);
      expect(sent.buffer).toBe(framed.data.buffer);
      const run = spawnSync(python, [join(__dirname, "roundtrip.py"), "frame"], {
        input: sent,
        timeout: 30_000,
      });
      expect(run.stderr.toString()).toBe("");
      expect(run.status).toBe(0);
      const shortest = new Codec({ alignArrays: false });
      expect(Buffer.from(run.stdout).equals(Buffer.from(shortest.encode(value)))).toBe(true);
    });

    it("Python reports a value it did not expect", () => {
      const { value } = message();
      const run = spawnSync(python, [join(__dirname, "roundtrip.py")], {
        input: encode({ ...value, half: 0.25 }),
        timeout: 30_000,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr.toString()).toContain("python check failed: scalars");
    });
  });
}
