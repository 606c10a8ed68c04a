import {
  contrastRange,
  detectPalette,
  displayLevel,
  downsample,
  renderPreview,
} from "../../src/view/preview.js";

describe("downsample", () => {
  it("averages blocks of pixels", () => {
    // 4x2 image -> 2x1: mean of each 2x2 block.
    const pixels = [1, 3, 10, 20, 5, 7, 30, 40];
    expect(Array.from(downsample(pixels, 4, 2, 2, 1))).toEqual([4, 25]);
  });

  it("covers every pixel once when the sizes do not divide", () => {
    const pixels = new Uint16Array(7 * 5).fill(9);
    expect(Array.from(downsample(pixels, 7, 5, 3, 2))).toEqual([9, 9, 9, 9, 9, 9]);
  });

  it("upsamples by repetition when the preview is larger than the frame", () => {
    expect(Array.from(downsample([1, 2], 2, 1, 4, 1))).toEqual([1, 1, 2, 2]);
  });
});

describe("contrastRange", () => {
  it("ignores a few hot pixels", () => {
    const values = new Float32Array(1000).map((_, i) => i % 100);
    values[0] = 60000;
    const [lo, hi] = contrastRange(values);
    expect(lo).toBe(0);
    expect(hi).toBe(99);
  });

  it("never returns an empty range", () => {
    const [lo, hi] = contrastRange(new Float32Array(10).fill(5));
    expect(hi).toBeGreaterThan(lo);
  });
});

describe("displayLevel", () => {
  it("maps the range to 0..1 with a square-root stretch, clamping outside it", () => {
    expect(displayLevel(100, 100, 200)).toBe(0);
    expect(displayLevel(125, 100, 200)).toBe(0.5);
    expect(displayLevel(200, 100, 200)).toBe(1);
    expect(displayLevel(50, 100, 200)).toBe(0);
    expect(displayLevel(900, 100, 200)).toBe(1);
  });
});

describe("renderPreview", () => {
  // 3 columns, 4 pixel rows: black, mid grey, white columns.
  const image = Float32Array.from([0, 50, 100, 0, 50, 100, 0, 50, 100, 0, 50, 100]);

  it("draws two pixel rows per line with upper half blocks", () => {
    const lines = renderPreview(image, 3, 4, "256", [0, 100]);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.match(/\u2580/g)).toHaveLength(3);
    // Black is grey 232, white is 255, foreground (38) and background (48).
    expect(lines[0]).toContain("\x1b[38;5;232m\x1b[48;5;232m\u2580");
    expect(lines[0]).toContain("\x1b[38;5;255m\x1b[48;5;255m\u2580");
    expect(lines[0]!.endsWith("\x1b[0m")).toBe(true);
  });

  it("uses 24-bit colour on truecolor terminals", () => {
    const [line] = renderPreview(image, 3, 2, "truecolor", [0, 100]);
    expect(line).toContain("\x1b[38;2;255;255;255m");
  });

  it("has no escape sequences in ascii mode", () => {
    const lines = renderPreview(image, 3, 4, "ascii", [0, 100]);
    // Mid grey is sqrt(0.5) = 0.71 after the stretch: the 7th of 10 characters.
    expect(lines).toEqual([" *@", " *@"]);
  });
});

describe("detectPalette", () => {
  it("follows the terminal's colour depth and NO_COLOR", () => {
    expect(detectPalette({}, 24)).toBe("truecolor");
    expect(detectPalette({}, 8)).toBe("256");
    expect(detectPalette({}, 4)).toBe("ascii");
    expect(detectPalette({ NO_COLOR: "1" }, 24)).toBe("ascii");
  });
});
