import { BeadScene } from "../../src/sim/scene.js";

const W = 128;
const H = 96;

function meanAndVariance(values: ArrayLike<number>, indices: number[]): [number, number] {
  let sum = 0;
  for (const i of indices) sum += values[i]!;
  const mean = sum / indices.length;
  let squares = 0;
  for (const i of indices) squares += (values[i]! - mean) ** 2;
  return [mean, squares / (indices.length - 1)];
}

describe("BeadScene", () => {
  const options = { width: W, height: H, background: 0.5, gain: 2, offset: 100, readNoise: 3 };

  it("has beads brighter than the background", () => {
    const expected = new BeadScene(options).expected(0, 0);
    const peak = Math.max(...expected);
    expect(Math.min(...expected)).toBeCloseTo(0.5, 5);
    expect(peak).toBeGreaterThan(10);
  });

  it("adds shot noise with the variance of a Poisson process, around the right mean", () => {
    const scene = new BeadScene(options);
    const exposure = 20;
    const expected = Float32Array.from(scene.expected(0, 0));
    const frame = scene.render(0, 0, exposure);
    // Background pixels: 0.5 photons/ms x 20 ms = 10 photons, x2 counts/photon on an offset of 100.
    const background = [...expected.keys()].filter((i) => expected[i]! < 0.5001);
    expect(background.length).toBeGreaterThan(W * H * 0.5);
    const [mean, variance] = meanAndVariance(frame, background);
    expect(mean).toBeCloseTo(100 + 2 * 10, 0);
    // Var = gain^2 * photons + read^2 = 4 * 10 + 9 = 49.
    expect(variance).toBeGreaterThan(49 * 0.85);
    expect(variance).toBeLessThan(49 * 1.15);
  });

  it("scales the signal with exposure", () => {
    const scene = new BeadScene(options);
    const all = [...Array(W * H).keys()];
    const [short] = meanAndVariance(scene.render(0, 0, 10), all);
    const [long] = meanAndVariance(scene.render(0, 0, 40), all);
    expect((long - 100) / (short - 100)).toBeCloseTo(4, 0);
  });

  it("draws fresh noise on every frame", () => {
    const scene = new BeadScene(options);
    const a = scene.render(0, 0, 20);
    const b = scene.render(0, 0, 20);
    expect(a).not.toEqual(b);
  });

  it("is reproducible for a seed", () => {
    expect(new BeadScene({ ...options, seed: 7 }).render(3, 4, 20)).toEqual(
      new BeadScene({ ...options, seed: 7 }).render(3, 4, 20),
    );
  });

  it("moves the sample with the stage", () => {
    const scene = new BeadScene(options);
    const here = Float32Array.from(scene.expected(0, 0));
    const there = scene.expected(5, 3);
    // What was at (x, y) is now at (x - 5, y - 3).
    for (let y = 10; y < H - 10; y += 7) {
      for (let x = 10; x < W - 10; x += 7) {
        expect(there[(y - 3) * W + (x - 5)]).toBeCloseTo(here[y * W + x]!, 3);
      }
    }
  });

  it("rejects a frame size that is not a positive integer", () => {
    expect(() => new BeadScene({ width: 0, height: 10 })).toThrow("frame size");
    expect(() => new BeadScene({ width: 10.5, height: 10 })).toThrow("frame size");
  });
});
