import type { BenchCase, BenchRow } from "../case.js";
import { loadBus } from "../bus/load.js";
import { busSubject } from "../bus/subject.js";
import { pythonBaseline } from "../python.js";
import { rawSubject } from "../raw/subject.js";
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

/**
 * Case 2: 512x512 uint16 `NDArray`s through the bus (an `allocNDArray` frame
 * encoded in place into a MessagePack body, decoded with `asNDArray`) against
 * raw zeromq.js sending the same pixel bytes unencoded, and against the Python
 * original.
 */
export const frames: BenchCase = {
  name: "frames",
  async run(context) {
    const settings = settingsOf("frames", context.quick);
    const pixels = new Uint16Array(side * side).map((_, index) => index);
    const pixelBytes = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    const bus = await loadBus();
    if (typeof bus === "string") context.note(bus);
    // The bus publishes as a camera does: the pixels sit in an array from
    // `allocNDArray`, so `encode` writes the MessagePack header and trailer
    // around them in the same buffer and ZeroMQ sends that buffer without a
    // copy. Raw zeromq.js sends one prebuilt buffer again and again; the bus
    // likewise sends one framed array again and again, which is safe here
    // because every message is the same value, so the bytes written around the
    // pixels never change while earlier sends may still be reading them.
    let frame: unknown;
    if (typeof bus !== "string") {
      const framed = bus.codec.allocNDArray("uint16", [side, side]);
      framed.data.set(pixels);
      frame = framed;
    }

    const { raw, ours } = await alternatingRounds(
      () =>
        rawSubject({
          topic,
          noDrop: true,
          payload: {
            body: () => pixelBytes,
            read: (body) => {
              // The receiver looks at the pixels as the bus's receiver does.
              const view = new Uint16Array(body.buffer, body.byteOffset, body.length / 2);
              return [view.length, 0];
            },
          },
        }),
      typeof bus === "string"
        ? []
        : [
            () =>
              busSubject(bus, {
                topic,
                value: () => frame,
                read: (message) => [bus.codec.asNDArray(message.value).data.length, 0],
              }),
          ],
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
    const rows: BenchRow[] = [rawRow];
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
    const [busResults] = ours;
    if (busResults !== undefined) {
      const result = summarize(`${label} bus`, busResults, context.note);
      const row = frameRow("sunflare bus", result.rate, bytes, result.cpuPerMessage);
      rows.push(compared(row, rawRow, { min: 0.6 }));
      if (pythonRow !== undefined) rows.push(compared(row, pythonRow, { min: 3 }));
    }
    return rows;
  },
};
