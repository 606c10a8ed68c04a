import { Display, type DisplayOptions, type DisplayState } from "../../src/view/display.js";

function capture(mode: DisplayOptions["mode"]) {
  const written: string[] = [];
  const display = new Display(
    { mode, palette: "256", columns: 80, rows: 24 },
    { write: (text: string) => written.push(text) },
  );
  return { display, text: () => written.join("") };
}

const state: DisplayState = {
  done: 25,
  total: 100,
  tile: "1/4",
  figures: { received: 25, lost: 0, fps: 30, mbps: 15.7, p50: 1.25, p99: 3.5 },
};
const frame = { pixels: new Uint16Array(64 * 64).map((_, i) => i % 97), width: 64, height: 64 };

describe("Display", () => {
  it("prints a progress line per tile in plain mode, without escape sequences", () => {
    const { display, text } = capture("plain");
    display.update(state, frame);
    display.tileDone(state);
    display.end("done");
    expect(text()).toBe(
      "tile 1/4: 25/100 frames, 30.0 fps, 15.7 MB/s, latency p50 1.25 ms p99 3.50 ms, 0 lost\ndone\n",
    );
  });

  it("draws a preview, the figures and a progress bar in tty mode", () => {
    const { display, text } = capture("tty");
    display.update(state, frame);
    display.end("done");
    const output = text();
    expect(output).toContain("\u2580");
    expect(output).toContain("30.0 fps");
    expect(output).toContain("25/100 frames | tile 1/4");
    // The preview is redrawn in place: the cursor goes back up.
    expect(output).toMatch(new RegExp(String.raw`\x1b\[\d+A`));
    expect(output.endsWith("done\n")).toBe(true);
  });

  it("writes nothing when silent", () => {
    const { display, text } = capture("silent");
    display.update(state, frame);
    display.tileDone(state);
    display.end("done");
    expect(text()).toBe("");
  });
});
