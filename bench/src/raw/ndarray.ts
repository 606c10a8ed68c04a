import { Packr, Unpackr } from "msgpackr";

import type { RawPayload } from "./subject.js";

/**
 * What a user writes without the bus to send an n-dimensional array in the
 * wire form the bus (and the Python original) uses: msgpackr with records
 * off, as `@sunflare/codec` runs it, encoding `{ frame: [bytes, dtype, shape] }`
 * per frame (the pixels copied once, into msgpackr's output buffer), and on
 * receipt decoding the map and viewing the pixels as a `Uint16Array`.
 *
 * msgpackr writes the shortest form, so the pixels start 13 bytes into the
 * message (map, key, array and `bin 32` headers): never 2-byte aligned, so
 * the receiver copies them into an array of its own, as the bus's
 * `asNDArray` would for unaligned bytes. (The bus's codec pads the headers so
 * that large arrays are aligned, and views them without a copy.)
 */
export function msgpackrFrames(pixels: Uint16Array, shape: readonly number[]): RawPayload {
  const packr = new Packr({ useRecords: false });
  const unpackr = new Unpackr({ useRecords: false });
  const bytes = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return {
    body: () => packr.pack({ frame: [bytes, "uint16", shape] }),
    read: (received) => {
      const { frame } = unpackr.unpack(received) as { frame: [Uint8Array, string, number[]] };
      const [data, dtype] = frame;
      if (dtype !== "uint16") throw new Error(`expected uint16 pixels, got ${dtype}`);
      let view: Uint16Array;
      if (data.byteOffset % Uint16Array.BYTES_PER_ELEMENT === 0) {
        view = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
      } else {
        view = new Uint16Array(data.byteLength / 2);
        new Uint8Array(view.buffer).set(data);
      }
      return [view.length, 0];
    },
  };
}
