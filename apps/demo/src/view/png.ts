import { writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { PNG } from "pngjs";
import { contrastRange, displayLevel } from "./preview.js";

/** Bits per pixel of a saved frame: 16 keeps the camera's counts, 8 is auto-contrasted for viewing. */
export type PngDepth = 8 | 16;

/**
 * Encodes a 16-bit greyscale frame as a PNG. With `depth` 16 the counts are
 * stored as they are (scientific use); with 8 they are stretched between the
 * 0.5% and 99.9% quantiles (see {@link displayLevel}), so the beads show up in
 * any image viewer.
 */
export function encodePng(
  pixels: Uint16Array,
  width: number,
  height: number,
  depth: PngDepth = 8,
): Buffer {
  if (pixels.length !== width * height) {
    throw new RangeError(`expected ${width * height} pixels, got ${pixels.length}`);
  }
  const png = new PNG({ width, height, bitDepth: depth, colorType: 0, inputColorType: 0 });
  if (depth === 16) {
    // pngjs takes 16-bit samples in native byte order and swaps them to PNG's big-endian.
    png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  } else {
    const [lo, hi] = contrastRange(pixels);
    const bytes = Buffer.alloc(width * height);
    for (let i = 0; i < pixels.length; i++) {
      bytes[i] = Math.round(255 * displayLevel(pixels[i]!, lo, hi));
    }
    png.data = bytes;
  }
  return PNG.sync.write(png, {
    bitDepth: depth,
    colorType: 0,
    inputColorType: 0,
    inputHasAlpha: false,
  });
}

/** Writes {@link encodePng}'s output to `path`, creating its directory. */
export async function writePng(
  path: string,
  pixels: Uint16Array,
  width: number,
  height: number,
  depth: PngDepth = 8,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodePng(pixels, width, height, depth));
}
