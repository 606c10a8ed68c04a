import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { encodePng, writePng } from "../../src/view/png.js";

/** The grey channel of a decoded PNG (pngjs decodes to RGBA). */
function grey(png: PNG): number[] {
  const data = png.data as unknown as ArrayLike<number>;
  return Array.from({ length: png.width * png.height }, (_, i) => data[4 * i]!);
}

describe("encodePng", () => {
  const pixels = Uint16Array.from({ length: 6 * 4 }, (_, i) => 100 + i * 1000);

  it("keeps 16-bit counts exactly", () => {
    const png = PNG.sync.read(encodePng(pixels, 6, 4, 16), { skipRescale: true });
    expect([png.width, png.height, png.depth, png.colorType]).toEqual([6, 4, 16, 0]);
    expect(grey(png)).toEqual(Array.from(pixels));
  });

  it("stretches 8-bit output to the full grey range, keeping the order", () => {
    const png = PNG.sync.read(encodePng(pixels, 6, 4, 8));
    expect([png.width, png.height, png.depth]).toEqual([6, 4, 8]);
    const values = grey(png);
    expect(values[0]).toBe(0);
    expect(Math.max(...values)).toBe(255);
    for (let i = 1; i < values.length; i++)
      expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
  });

  it("rejects a pixel count that does not match the size", () => {
    expect(() => encodePng(pixels, 5, 5)).toThrow("expected 25 pixels, got 24");
  });
});

describe("writePng", () => {
  it("writes a PNG file, creating the directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sunflare-demo-"));
    try {
      const path = join(dir, "nested", "frame.png");
      await writePng(path, new Uint16Array(8 * 8).fill(500), 8, 8, 16);
      const png = PNG.sync.read(await readFile(path));
      expect([png.width, png.height]).toEqual([8, 8]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
