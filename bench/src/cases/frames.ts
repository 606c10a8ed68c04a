import type { Message } from "@sunflare/forwarder";

import type { BenchCase, BenchRow } from "../case.js";
import { loadBus } from "../bus/load.js";
import { busSubject } from "../bus/subject.js";
import { pythonBaseline } from "../python.js";
import { msgpackrFrames } from "../raw/ndarray.js";
import { rawSubject } from "../raw/subject.js";
import type { StreamResult, StreamSubject } from "../stream.js";
import { alternatingRounds, summarize } from "../stream.js";
import { compared } from "../util/compare.js";
import { settingsOf } from "./settings.js";

const label = "2 frames 512x512 uint16";
const topic = "bench/frames";
const side = 512;

/** A row in frames/s with the matching GB/s (and CPU per frame, when known) beside it. */
function frameRow(subject: string, rate: number, bytes: number, cpu?: number): BenchRow {
  const throughput = `${((rate * bytes) / 1e9).toFixed(2)} GB/s`;
  return {
    case: label,
    subject,
    value: rate,
    unit: "frames/s",
    detail: cpu === undefined ? throughput : `${throughput}, ${cpu.toFixed(0)} µs CPU/frame`,
  };
}

/** The `ndarray()` row's target against what a user writes without the bus. */
const MSGPACKR_TARGET = 0.95;

/**
 * `row` compared with the msgpackr baseline, with its target written with two
 * decimals (`compared` writes one, which would print 0.95 as 0.9).
 */
function againstMsgpackr(row: BenchRow, baseline: BenchRow): BenchRow {
  const result = compared(row, baseline);
  const met = result.ratio!.value >= MSGPACKR_TARGET;
  return { ...result, target: { text: `>= ${MSGPACKR_TARGET.toFixed(2)}x`, met } };
}

/**
 * Case 2: 512x512 uint16 `NDArray`s through the bus, decoded with
 * `asNDArray`, in two rows measured in the same run: a driver that owns its
 * pixel buffer and wraps it with `ndarray()` on every send (the encoder copies
 * the pixels once into the message), and a camera that fills an
 * `allocNDArray` frame in place (the encoder writes the MessagePack bytes
 * around the pixels, no copy). Baselines: raw zeromq.js sending the same pixel
 * bytes unencoded (one buffer sent again and again), raw zeromq.js copying the
 * pixels into a new buffer per frame (what a driver that reuses its buffer
 * must do with raw zeromq.js too), raw zeromq.js with msgpackr encoding the
 * bus's wire form per frame and decoding it on receipt (what a user writes
 * without the bus; the `ndarray()` row's target is against it), and the
 * Python original.
 */
export const frames: BenchCase = {
  name: "frames",
  async run(context) {
    const settings = settingsOf("frames", context.quick);
    const pixels = new Uint16Array(side * side).map((_, index) => index);
    const pixelBytes = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    const bus = await loadBus();
    if (typeof bus === "string") context.note(bus);
    // Raw zeromq.js sends one prebuilt buffer again and again. The plain row
    // sends the same pixels wrapped anew by `ndarray()` each time, as a driver
    // that reuses its own buffer does: the bus must copy them, since the driver
    // may overwrite them once `send` returns. The framed row likewise sends one
    // `allocNDArray` frame again and again, which is safe here because every
    // message is the same value, so the bytes written around the pixels never
    // change while earlier sends may still be reading them.
    const rawOf = (body: () => Uint8Array) => (): Promise<StreamSubject> =>
      rawSubject({
        topic,
        noDrop: true,
        payload: {
          body,
          read: (received) => {
            // The receiver looks at the pixels as the bus's receiver does.
            const view = new Uint16Array(received.buffer, received.byteOffset, received.length / 2);
            return [view.length, 0];
          },
        },
      });
    // What raw zeromq.js costs a driver that reuses its pixel buffer: it must
    // copy each frame too, since ZeroMQ sends without copying and a subscriber
    // in this process may view the sent memory long after `send` returns.
    const subjects: (() => Promise<StreamSubject>)[] = [rawOf(() => Buffer.from(pixelBytes))];
    // What a user writes without the bus for the same wire form: msgpackr
    // encoding `{ frame: [bytes, dtype, shape] }` per frame, decoded on receipt.
    const msgpackr = msgpackrFrames(pixels, [side, side]);
    subjects.push(() => rawSubject({ topic, noDrop: true, payload: msgpackr }));
    if (typeof bus !== "string") {
      const framed = bus.codec.allocNDArray("uint16", [side, side]);
      framed.data.set(pixels);
      const read = (message: Message): readonly [number, number] => [
        bus.codec.asNDArray((message.value as { frame: unknown }).frame).data.length,
        0,
      ];
      subjects.push(
        () =>
          busSubject(bus, {
            topic,
            value: () => ({ frame: bus.codec.ndarray(pixels, [side, side]) }),
            read,
          }),
        () => busSubject(bus, { topic, value: () => ({ frame: framed }), read }),
      );
    }

    const { raw, ours } = await alternatingRounds(
      rawOf(() => pixelBytes),
      subjects,
      settings,
      (round) => context.log(`${label}: round ${round + 1}/${settings.rounds}`),
    );

    const bytes = pixels.byteLength;
    const rawResult = summarize(`${label} raw`, raw, context.note);
    const rawRow = frameRow(
      "raw zeromq.js (bytes)",
      rawResult.rate,
      bytes,
      rawResult.cpuPerMessage,
    );
    const [rawCopyResults, msgpackrResults, plainResults, framedResults] = ours;
    const rawCopy = summarize(`${label} raw, copy per frame`, rawCopyResults!, context.note);
    const rawCopyRow = frameRow(
      "raw zeromq.js (copy per frame)",
      rawCopy.rate,
      bytes,
      rawCopy.cpuPerMessage,
    );
    const msgpackrResult = summarize(`${label} raw, msgpackr`, msgpackrResults!, context.note);
    const msgpackrRow = frameRow(
      "raw zeromq.js + msgpackr",
      msgpackrResult.rate,
      bytes,
      msgpackrResult.cpuPerMessage,
    );
    const rows: BenchRow[] = [rawRow, compared(rawCopyRow, rawRow), compared(msgpackrRow, rawRow)];
    const python = await pythonBaseline(context.quick);
    let pythonRow: BenchRow | undefined;
    if (typeof python === "string") {
      context.note(python);
    } else {
      pythonRow = frameRow(
        "python original",
        python.frames.rate,
        python.frames.bytes,
        python.frames.cpuPerMessage,
      );
      rows.push(pythonRow);
    }
    // The Python original copies every frame (`tobytes()`), so the plain row
    // is compared with it without a target; the 3x target is for allocNDArray.
    const busRows: [string, StreamResult[] | undefined, number, number | undefined][] = [
      ["sunflare bus, ndarray()", plainResults, 0.5, undefined],
      ["sunflare bus, allocNDArray", framedResults, 0.8, 3],
    ];
    for (const [subject, results, rawTarget, pythonTarget] of busRows) {
      if (results === undefined) continue;
      const result = summarize(`${label} ${subject}`, results, context.note);
      const row = frameRow(subject, result.rate, bytes, result.cpuPerMessage);
      rows.push(compared(row, rawRow, { min: rawTarget }));
      if (results === plainResults) {
        rows.push(againstMsgpackr(row, msgpackrRow), compared(row, rawCopyRow));
      }
      if (pythonRow !== undefined) {
        rows.push(
          compared(row, pythonRow, pythonTarget === undefined ? undefined : { min: pythonTarget }),
        );
      }
    }
    return rows;
  },
};
