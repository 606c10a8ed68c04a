import { NORMAL_TABLE_SIZE, mulberry32, normalTable } from "./random.js";

/** What the simulated camera looks at, and how its sensor responds. */
export interface SceneOptions {
  /** Frame width in pixels. */
  width: number;
  /** Frame height in pixels. */
  height: number;
  /** Seed of every random draw: the same seed gives the same beads and noise. Default 1. */
  seed?: number;
  /** Beads per million pixels of sample. Default 250. */
  density?: number;
  /** Standard deviation of a bead's point-spread function, in pixels. Default 2. */
  sigma?: number;
  /** Autofluorescence background, photons per pixel per millisecond. Default 0.5. */
  background?: number;
  /** Mean peak brightness of a bead, photons per millisecond. Default 40. */
  brightness?: number;
  /** Camera offset added to every pixel, in counts. Default 100. */
  offset?: number;
  /** Counts per photon. Default 2. */
  gain?: number;
  /** Read noise, in counts (standard deviation). Default 3. */
  readNoise?: number;
}

interface Bead {
  x: number;
  y: number;
  brightness: number;
}

/** Sub-pixel positions per axis for which a bead sprite is precomputed. */
const PHASES = 4;

/**
 * A slide of fluorescent beads under a camera.
 *
 * The sample is a periodic field four frames wide and four frames high, so
 * any stage position shows beads. Each bead is a Gaussian spot; shot noise
 * (Poisson, approximated by a Gaussian of the same variance) and read noise
 * are added per frame.
 *
 * @example
 * ```ts
 * const scene = new BeadScene({ width: 512, height: 512 });
 * const frame = scene.render(100, 50, 20); // stage at (100, 50) px, 20 ms exposure
 * ```
 */
export class BeadScene {
  readonly width: number;
  readonly height: number;
  readonly offset: number;
  readonly gain: number;
  private readonly readNoise: number;
  private readonly background: number;
  private readonly fieldWidth: number;
  private readonly fieldHeight: number;
  private readonly beads: Bead[] = [];
  private readonly radius: number;
  private readonly sprites: Float32Array[] = [];
  private readonly normals: Float32Array;
  private readonly mean: Float32Array;
  private noiseState: number;

  constructor(options: SceneOptions) {
    const { width, height, seed = 1, density = 250, sigma = 2 } = options;
    if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
      throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.offset = options.offset ?? 100;
    this.gain = options.gain ?? 2;
    this.readNoise = options.readNoise ?? 3;
    this.background = options.background ?? 0.5;
    this.fieldWidth = 4 * width;
    this.fieldHeight = 4 * height;
    this.mean = new Float32Array(width * height);

    const random = mulberry32(seed);
    const brightness = options.brightness ?? 40;
    const count = Math.round((density * this.fieldWidth * this.fieldHeight) / 1e6);
    for (let i = 0; i < count; i++) {
      this.beads.push({
        x: random() * this.fieldWidth,
        y: random() * this.fieldHeight,
        // Real bead preparations vary in brightness (clusters, out-of-focus beads).
        brightness: brightness * (0.3 + 1.4 * random()),
      });
    }
    this.radius = Math.ceil(3 * sigma);
    for (let py = 0; py < PHASES; py++) {
      for (let px = 0; px < PHASES; px++) {
        this.sprites.push(gaussianSprite(this.radius, sigma, px / PHASES, py / PHASES));
      }
    }
    this.normals = normalTable(random);
    this.noiseState = (seed * 2654435761) >>> 0 || 1;
  }

  /**
   * The noise-free photon rate (photons per millisecond) of each pixel with
   * the stage at (`x`, `y`) pixels. The returned array is reused by the next call.
   */
  expected(x: number, y: number): Float32Array {
    const { width, height, radius, mean } = this;
    mean.fill(this.background);
    const size = 2 * radius + 1;
    for (const bead of this.beads) {
      const sx = wrap(bead.x - x, this.fieldWidth, radius);
      const sy = wrap(bead.y - y, this.fieldHeight, radius);
      const ix = Math.floor(sx);
      const iy = Math.floor(sy);
      if (ix + radius < 0 || iy + radius < 0 || ix - radius >= width || iy - radius >= height) {
        continue;
      }
      const phase = Math.floor((sy - iy) * PHASES) * PHASES + Math.floor((sx - ix) * PHASES);
      const sprite = this.sprites[phase]!;
      for (let j = 0; j < size; j++) {
        const row = iy - radius + j;
        if (row < 0 || row >= height) continue;
        for (let i = 0; i < size; i++) {
          const col = ix - radius + i;
          if (col < 0 || col >= width) continue;
          mean[row * width + col]! += bead.brightness * sprite[j * size + i]!;
        }
      }
    }
    return mean;
  }

  /**
   * A noisy 16-bit frame with the stage at (`x`, `y`) pixels, exposed for
   * `exposureMs` milliseconds. Writes into `out` when given.
   */
  render(
    x: number,
    y: number,
    exposureMs: number,
    out: Uint16Array = new Uint16Array(this.width * this.height),
  ): Uint16Array {
    const mean = this.expected(x, y);
    const { normals, offset, gain } = this;
    const readVariance = this.readNoise * this.readNoise;
    const mask = NORMAL_TABLE_SIZE - 1;
    let state = this.noiseState;
    for (let i = 0; i < mean.length; i++) {
      const photons = mean[i]! * exposureMs;
      // xorshift32: a new table index per pixel for the price of three shifts.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const z = normals[state & mask]!;
      const value = offset + gain * photons + Math.sqrt(gain * gain * photons + readVariance) * z;
      out[i] = value <= 0 ? 0 : value >= 65535 ? 65535 : value + 0.5;
    }
    this.noiseState = state;
    return out;
  }
}

/** Position of `value` on a periodic axis of length `period`, in `[-margin, period - margin)`. */
function wrap(value: number, period: number, margin: number): number {
  const r = (((value + margin) % period) + period) % period;
  return r - margin;
}

/** A bead's spot, peak 1, centred `fx`/`fy` of a pixel right/below the sprite centre. */
function gaussianSprite(radius: number, sigma: number, fx: number, fy: number): Float32Array {
  const size = 2 * radius + 1;
  const sprite = new Float32Array(size * size);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const dx = i - radius - fx;
      const dy = j - radius - fy;
      sprite[j * size + i] = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
    }
  }
  return sprite;
}
