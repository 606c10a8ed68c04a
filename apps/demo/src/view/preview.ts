/** How the terminal can show grey levels. */
export type Palette = "truecolor" | "256" | "ascii";

/**
 * Averages `width`x`height` pixels down to `cols`x`rows` (box filter), so a
 * 512x512 frame becomes a preview a terminal can show.
 */
export function downsample(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  cols: number,
  rows: number,
): Float32Array {
  const out = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    const y0 = Math.floor((r * height) / rows);
    const y1 = Math.max(y0 + 1, Math.floor(((r + 1) * height) / rows));
    for (let c = 0; c < cols; c++) {
      const x0 = Math.floor((c * width) / cols);
      const x1 = Math.max(x0 + 1, Math.floor(((c + 1) * width) / cols));
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) sum += pixels[y * width + x]!;
      }
      out[r * cols + c] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/**
 * The grey range that auto-contrast maps to black..white: the `low` and
 * `high` quantiles of `values`, so a few hot pixels do not wash out the image.
 */
export function contrastRange(
  values: ArrayLike<number>,
  low = 0.005,
  high = 0.999,
): [number, number] {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;
  const lo = at(low);
  return [lo, Math.max(at(high), lo + 1)];
}

/**
 * Grey level (0..1) of `value` between `lo` and `hi`, with a square-root
 * stretch: dim beads and the background's shot noise stay visible next to
 * bright beads, as on a microscope's live display.
 */
export function displayLevel(value: number, lo: number, hi: number): number {
  return Math.sqrt(Math.min(1, Math.max(0, (value - lo) / (hi - lo))));
}

const ASCII_RAMP = " .:-=+*#%@";
const UPPER_HALF = "\u2580";
const RESET = "\x1b[0m";

/**
 * Draws an image of `cols`x`rows` values as `rows / 2` lines of text: each
 * character is an upper half block whose foreground is one pixel and whose
 * background is the pixel below, doubling the vertical resolution. The
 * `ascii` palette has no colours and uses one character per two pixels.
 */
export function renderPreview(
  image: Float32Array,
  cols: number,
  rows: number,
  palette: Palette,
  range = contrastRange(image),
): string[] {
  const [lo, hi] = range;
  const level = (v: number) => displayLevel(v, lo, hi);
  const lines: string[] = [];
  for (let r = 0; r + 1 < rows; r += 2) {
    let line = "";
    for (let c = 0; c < cols; c++) {
      const top = level(image[r * cols + c]!);
      const bottom = level(image[(r + 1) * cols + c]!);
      if (palette === "ascii") {
        line += ASCII_RAMP[Math.round(((top + bottom) / 2) * (ASCII_RAMP.length - 1))];
      } else {
        line += `${colour(top, palette, 38)}${colour(bottom, palette, 48)}${UPPER_HALF}`;
      }
    }
    lines.push(palette === "ascii" ? line : line + RESET);
  }
  return lines;
}

/** An SGR escape setting the foreground (38) or background (48) to grey `level` (0..1). */
function colour(level: number, palette: Exclude<Palette, "ascii">, layer: 38 | 48): string {
  if (palette === "256") {
    // Codes 232..255 are the 24-step grey ramp of 256-colour terminals.
    return `\x1b[${layer};5;${232 + Math.round(level * 23)}m`;
  }
  // A fluorescence look: dark green through green to white highlights.
  const g = Math.round(255 * Math.min(1, level * 1.4));
  const rb = Math.round(255 * Math.max(0, level * 1.6 - 0.6));
  return `\x1b[${layer};2;${rb};${g};${rb}m`;
}

/** The palette a terminal supports, from its environment. */
export function detectPalette(env: NodeJS.ProcessEnv, colorDepth: number): Palette {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return "ascii";
  if (colorDepth >= 24) return "truecolor";
  if (colorDepth >= 8) return "256";
  return "ascii";
}
