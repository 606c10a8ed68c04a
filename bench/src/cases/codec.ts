import type { NDArray } from "@sunflare/codec";
import { Codec, asNDArray, decode, encode, encodeChunks, ndarray } from "@sunflare/codec";
import type { BenchCase, BenchContext, BenchRow } from "../case.js";
import { compared } from "../util/compare.js";
import { median } from "../util/stats.js";
import { now } from "../util/timing.js";

const label = "codec";
const side = 512;
const frameBytes = side * side * 2;

/** Calls per second of `fn`, run in batches for about `ms`. */
function rate(fn: (i: number) => unknown, ms: number): number {
  let calls = 0;
  let sink: unknown;
  const start = now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 256; i++) sink = fn(calls + i);
    calls += 256;
    elapsed = now() - start;
  }
  if (sink === Symbol.for("never")) throw new Error("unreachable");
  return (calls * 1000) / elapsed;
}

/** Median rate of each subject over `rounds`, subjects interleaved so machine drift hits all alike. */
function measure(
  subjects: Record<string, (i: number) => unknown>,
  rounds: number,
  ms: number,
  context: BenchContext,
  what: string,
): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (const name of Object.keys(subjects)) samples[name] = [];
  for (let round = 0; round < rounds; round++) {
    context.log(`${label}: ${what}, round ${round + 1}/${rounds}`);
    for (const [name, fn] of Object.entries(subjects)) samples[name]!.push(rate(fn, ms));
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, median(values)]),
  );
}

interface Frame {
  seq: number;
  t: number;
  frame: NDArray<Uint16Array>;
}

/**
 * The codec on its own: small records `{ seq, t, name }` against JSON, and a
 * 512x512 uint16 frame against a plain copy of its pixels (the floor for
 * building one contiguous message), then decoding that frame with `asNDArray`.
 */
export const codec: BenchCase = {
  name: "codec",
  // eslint-disable-next-line @typescript-eslint/require-await -- the interface is async; this case is CPU-only
  async run(context) {
    const rounds = context.quick ? 1 : 5;
    const ms = context.quick ? 60 : 400;
    const rows: BenchRow[] = [];

    // Small records: a thousand distinct ones, cycled, so no result is cached.
    const records = Array.from({ length: 1000 }, (_, i) => ({
      seq: i * 7919,
      t: 1_732_500_000 + i / 3,
      name: `camera-${i % 4}`,
    }));
    const packed = records.map((r) => encode(r));
    const json = records.map((r) => JSON.stringify(r));
    const small = measure(
      {
        encode: (i) => encode(records[i % 1000]),
        "JSON.stringify": (i) => JSON.stringify(records[i % 1000]),
        decode: (i) => decode(packed[i % 1000]!),
        "JSON.parse": (i) => JSON.parse(json[i % 1000]!) as unknown,
      },
      rounds,
      ms,
      context,
      "small records",
    );
    const smallRow = (subject: string, value: number): Omit<BenchRow, "ratio" | "target"> => ({
      case: "codec small {seq,t,name}",
      subject,
      value: Math.round(value),
      unit: "op/s",
    });
    rows.push(smallRow("JSON.stringify", small["JSON.stringify"]!));
    rows.push(
      compared(smallRow("sunflare encode", small.encode!), {
        subject: "JSON.stringify",
        value: small["JSON.stringify"]!,
      }),
    );
    rows.push(smallRow("JSON.parse", small["JSON.parse"]!));
    rows.push(
      compared(
        smallRow("sunflare decode", small.decode!),
        { subject: "JSON.parse", value: small["JSON.parse"]! },
        { min: 1 },
      ),
    );

    // One 512x512 uint16 frame.
    const pixels = new Uint16Array(side * side);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 20;
    const pixelBytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    const message = (seq: number): Frame => ({
      seq,
      t: 1_732_500_000.25,
      frame: ndarray(pixels, [side, side]),
    });
    // Buffer.from(arrayBuffer) would only wrap the memory; from a Uint8Array it copies.
    const frames = measure(
      {
        copy: () => Buffer.from(pixelBytes),
        encode: (i) => encode(message(i)),
        encodeChunks: (i) => encodeChunks(message(i)),
      },
      rounds,
      ms,
      context,
      "frame encode",
    );
    const mbps = (perSecond: number): number => Math.round((perSecond * frameBytes) / 1e6);
    const frameRow = (
      subject: string,
      value: number,
      detail?: string,
    ): Omit<BenchRow, "ratio" | "target"> => ({
      case: "codec frame 512x512 uint16",
      subject,
      value: mbps(value),
      unit: "MB/s",
      ...(detail === undefined ? {} : { detail }),
    });
    const floor = { subject: "Buffer copy", value: mbps(frames.copy!) };
    rows.push(frameRow("Buffer copy", frames.copy!, "Buffer.from(Uint8Array view of the pixels)"));
    rows.push(compared(frameRow("sunflare encode", frames.encode!), floor, { min: 0.5 }));
    rows.push(
      compared(frameRow("sunflare encodeChunks", frames.encodeChunks!, "pixels not copied"), floor),
    );

    // Decoding: whether asNDArray can view the pixels in place depends on the
    // offset of the body in the message, which the seq width shifts by a byte.
    // With alignArrays (the default) the encoder pads so the body lands on a
    // multiple of 2; the shortest encoding, as Python writes it, leaves it where
    // the bytes in front put it.
    const shortest = new Codec({ alignArrays: false });
    const decodeRows: [string, Uint8Array][] = [
      ["seq 7", new Uint8Array(encode(message(7)))],
      ["seq 1000", new Uint8Array(encode(message(1000)))],
      ["seq 1000, alignArrays: false", new Uint8Array(shortest.encode(message(1000)))],
    ];
    const decoders: Record<string, () => unknown> = {};
    const views: Record<string, boolean> = {};
    const offsets: Record<string, number> = {};
    for (const [name, input] of decodeRows) {
      const wire = decode<{ frame: [Uint8Array] }>(input).frame;
      offsets[name] = wire[0].byteOffset - input.byteOffset;
      const image = asNDArray(wire);
      views[name] = image.data.buffer === input.buffer;
      if (!(image.data instanceof Uint16Array) || image.data[12345] !== pixels[12345]) {
        throw new Error("codec bench: the decoded frame does not hold the pixels");
      }
      decoders[name] = () => asNDArray(decode<Frame>(input).frame);
    }
    const decoded = measure(decoders, rounds, ms, context, "frame decode");
    for (const [name] of decodeRows) {
      const offset = offsets[name]!;
      rows.push(
        compared(
          frameRow(
            `decode+asNDArray, ${name}`,
            decoded[name]!,
            views[name]
              ? `view over the input, no pixel copy (body at offset ${offset})`
              : `copied: body at odd offset ${offset} of the message`,
          ),
          floor,
        ),
      );
    }
    if (!views["seq 7"] || !views["seq 1000"])
      context.note("codec: a default-encoded frame was not decoded as a view");
    return rows;
  },
};
