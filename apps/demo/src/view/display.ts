import { SingleBar } from "cli-progress";
import pc from "picocolors";
import { downsample, renderPreview, type Palette } from "./preview.js";
import type { StreamFigures } from "./stats.js";

/** `tty`: live preview and progress bar; `plain`: a line per tile; `silent`: nothing. */
export type DisplayMode = "tty" | "plain" | "silent";

/** Where and how the viewer draws. Plain data, so it can be handed to a worker or a child process. */
export interface DisplayOptions {
  mode: DisplayMode;
  palette: Palette;
  /** Terminal size in characters. */
  columns: number;
  rows: number;
}

/** What the display shows at one moment. */
export interface DisplayState {
  /** Frames received so far, and expected in the whole scan (0 while unknown). */
  done: number;
  total: number;
  /** e.g. "2/4 at (460, 0)". */
  tile: string;
  figures: StreamFigures;
}

/** A writable the display draws on: a terminal, or a pipe to one (from a worker thread). */
export interface Output {
  write(text: string): unknown;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Redraws per second of the preview; frames arrive faster than a terminal can show them. */
const PREVIEW_HZ = 10;

/**
 * The viewer's terminal output: a downsampled live preview, live figures and
 * a progress bar (tty), progress lines (plain), or nothing (silent).
 */
export class Display {
  private readonly bar: SingleBar | undefined;
  private previewCols = 0;
  private previewRows = 0;
  private lastDraw = -Infinity;
  private drawn = false;
  /** Colour in the terminal display only: plain lines often end up in log files. */
  readonly colors: Colors;

  constructor(
    private readonly options: DisplayOptions,
    private readonly out: Output,
  ) {
    this.colors = pc.createColors(options.mode === "tty");
    if (options.mode === "tty") {
      this.bar = new SingleBar({
        // cli-progress checks `isTTY` and the width; a worker's stdout is a pipe to a terminal.
        // cli-progress only needs `write`, `isTTY` and `columns`; a worker's
        // stdout is a pipe to the terminal, so it is described here rather than asked.
        stream: {
          isTTY: true,
          columns: options.columns,
          write: (text: string) => out.write(text),
        } as unknown as NodeJS.WritableStream,
        format: `${this.colors.cyan("{bar}")} {percentage}% | {value}/{total} frames | tile {tile}`,
        hideCursor: true,
        linewrap: false,
        barsize: 24,
      });
    }
  }

  /** Shows `state`; `frame` is the latest image, previewed at most {@link PREVIEW_HZ} times a second. */
  update(state: DisplayState, frame: { pixels: Uint16Array; width: number; height: number }): void {
    if (!this.bar) return;
    if (!this.drawn) {
      this.drawn = true;
      this.layout(frame.width, frame.height);
      this.out.write("\n".repeat(this.previewRows / 2 + 1));
      this.bar.start(state.total, state.done, { tile: state.tile });
    }
    const now = performance.now();
    if (now - this.lastDraw >= 1000 / PREVIEW_HZ) {
      this.lastDraw = now;
      const { pixels, width, height } = frame;
      const image = downsample(pixels, width, height, this.previewCols, this.previewRows);
      const lines = renderPreview(image, this.previewCols, this.previewRows, this.options.palette);
      lines.push(figuresText(state.figures, this.colors));
      // Up to the top of the preview, redraw it, and land back on the bar's line.
      this.out.write(`\r\x1b[${lines.length}A${lines.map((line) => `${line}\x1b[K\n`).join("")}`);
    }
    this.bar.setTotal(state.total);
    this.bar.update(state.done, { tile: state.tile });
  }

  /** Sizes the preview to the frame's aspect and the terminal. */
  private layout(width: number, height: number): void {
    // Leave room for the figures line, the bar and the prompt; a character is
    // two pixels high, so a square frame needs twice as many pixel rows as lines.
    const lines = Math.max(4, Math.min(24, this.options.rows - 5));
    const cols = Math.round((2 * lines * width) / height);
    this.previewCols = Math.max(8, Math.min(this.options.columns - 1, cols, 96));
    this.previewRows = 2 * Math.max(2, Math.round((this.previewCols * height) / width / 2));
  }

  /** A tile is done: in plain mode, one line of progress. */
  tileDone(state: DisplayState): void {
    if (this.options.mode !== "plain") return;
    const { done, total, tile, figures } = state;
    this.out.write(`tile ${tile}: ${done}/${total} frames, ${figuresText(figures, this.colors)}\n`);
  }

  /** Ends the live display and prints `summary` on its own line. */
  end(summary?: string): void {
    this.bar?.stop();
    if (summary !== undefined && this.options.mode !== "silent") this.out.write(`${summary}\n`);
  }
}

/** The live figures as one line of text. */
export function figuresText(f: StreamFigures, colors: Colors = pc): string {
  const lost = f.lost === 0 ? colors.green("0 lost") : colors.red(`${f.lost} lost`);
  return `${f.fps.toFixed(1)} fps, ${f.mbps.toFixed(1)} MB/s, latency p50 ${f.p50.toFixed(2)} ms p99 ${f.p99.toFixed(2)} ms, ${lost}`;
}
