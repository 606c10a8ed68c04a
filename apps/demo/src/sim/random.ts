/**
 * Seeded pseudo-random numbers: the demo is reproducible, and noise is cheap
 * enough for 512x512 frames at video rate on one core.
 *
 * @internal
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Size of {@link normalTable}; a power of two so a random index is a mask. @internal */
export const NORMAL_TABLE_SIZE = 1 << 16;

/**
 * Standard normal variates, drawn once with Box-Muller. Indexing this table
 * with a fast integer generator costs a few nanoseconds per pixel, where
 * calling `Math.log`/`Math.cos` per pixel would not keep up with video rate.
 *
 * @internal
 */
export function normalTable(random: () => number): Float32Array {
  const table = new Float32Array(NORMAL_TABLE_SIZE);
  for (let i = 0; i < table.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    table[i] = radius * Math.cos(angle);
    table[i + 1] = radius * Math.sin(angle);
  }
  return table;
}
