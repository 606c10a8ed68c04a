import { join } from "node:path";
import { asNDArray } from "@sunflare/codec";
import type { Message, Subscriber } from "@sunflare/forwarder";
import {
  Display,
  figuresText,
  type DisplayOptions,
  type DisplayState,
  type Output,
} from "../view/display.js";
import { writePng, type PngDepth } from "../view/png.js";
import { StreamStats, type StreamFigures } from "../view/stats.js";
import {
  CAMERA_STATUS_TOPIC,
  FRAMES_TOPIC,
  SCAN_DONE_TOPIC,
  SCAN_PROGRESS_TOPIC,
  wallClock,
  type CameraStatus,
  type FrameMessage,
  type ScanDone,
  type ScanProgress,
} from "./messages.js";

/** What the viewer needs from the bus: a subscriber. Nothing else, so it runs anywhere. */
export interface ViewerBus {
  connectSubscriber(topics: readonly string[]): Subscriber;
}

/** Options of {@link Viewer}; plain data, so they can be sent to a worker or a child process. */
export interface ViewerOptions {
  display: DisplayOptions;
  /** Directory of `last-frame.png`. */
  outDir: string;
  pngDepth: PngDepth;
  /** Where the viewer runs, for the summary line. */
  label: string;
}

/** What the viewer saw, once the scan is over. */
export interface ViewerReport extends StreamFigures {
  /** Frames the camera says it published. */
  sent: number;
  /** Path of the saved PNG (null if no frame arrived). */
  png: string | null;
  width: number;
  height: number;
}

/**
 * Watches the camera: a live preview, a progress bar of the scan and live
 * figures in the terminal; at the end, `last-frame.png` and a one-line summary.
 *
 * It only subscribes to topics, so the same plugin runs on the main thread,
 * in a worker thread or in another process.
 */
export class Viewer {
  /** Resolves with the report when the scan is over (and the PNG written). */
  readonly finished: Promise<ViewerReport>;
  private resolve!: (report: ViewerReport) => void;
  private reject!: (error: unknown) => void;
  private subscriber: Subscriber | undefined;
  private listening: Promise<void> | undefined;
  private readonly display: Display;
  private readonly stats = new StreamStats();
  private last: { pixels: Uint16Array; width: number; height: number } | undefined;
  private progress: ScanProgress | undefined;
  private sent = 0;
  private cameraIdle = false;
  private scanFrames: number | undefined;

  constructor(
    private readonly bus: ViewerBus,
    private readonly options: ViewerOptions,
    out: Output = process.stdout,
  ) {
    this.finished = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Whoever awaits `finished` sees the failure; this only keeps it from being "unhandled".
    this.finished.catch(() => undefined);
    this.display = new Display(options.display, out);
  }

  connectionPhase(): void {
    const subscriber = this.bus.connectSubscriber(["camera/", "scan/"]);
    this.subscriber = subscriber;
    this.listening = subscriber.ready();
    this.run(subscriber).then(this.resolve, this.reject);
  }

  /** Resolves once the viewer is listening: frames published from then on reach it. */
  async ready(): Promise<void> {
    if (!this.listening) throw new Error("Viewer: ready() before the connection phase");
    await this.listening;
  }

  shutdown(): void {
    this.subscriber?.close();
    this.display.end();
  }

  private async run(subscriber: Subscriber): Promise<ViewerReport> {
    // Read once listening: nothing published before then is meant for us.
    await this.listening;
    let complete = false;
    for await (const message of subscriber) {
      this.handle(message);
      complete = this.cameraIdle && this.scanFrames !== undefined && this.sent >= this.scanFrames;
      if (complete) break;
    }
    const figures = this.stats.summary(this.sent);
    let png: string | null = null;
    if (this.last) {
      png = join(this.options.outDir, "last-frame.png");
      const { pixels, width, height } = this.last;
      await writePng(png, pixels, width, height, this.options.pngDepth);
    }
    const frames = complete
      ? `${figures.received}/${this.sent} frames`
      : `interrupted after ${figures.received} frames`;
    this.display.end(
      `Viewer (${this.options.label}): ${frames}, ` +
        figuresText(figures, this.display.colors) +
        (png ? `, saved ${png}` : ""),
    );
    return {
      ...figures,
      sent: this.sent,
      png,
      width: this.last?.width ?? 0,
      height: this.last?.height ?? 0,
    };
  }

  private state(): DisplayState {
    return {
      done: this.stats.received,
      total: this.progress?.frames ?? 0,
      tile: this.progress ? `${this.progress.tile}/${this.progress.tiles}` : "?",
      figures: this.stats.live(),
    };
  }

  private handle(message: Message): void {
    switch (message.topic) {
      case FRAMES_TOPIC: {
        const now = wallClock();
        const value = message.value as FrameMessage;
        const frame = asNDArray(value.frame);
        if (frame.dtype !== "uint16" || frame.shape.length !== 2) {
          throw new TypeError(
            `Viewer: expected a 2-D uint16 frame, got ${frame.dtype} ${frame.shape.join("x")}`,
          );
        }
        const [height = 0, width = 0] = frame.shape;
        this.last = { pixels: frame.data as Uint16Array, width, height };
        this.stats.record(value.seq, frame.data.byteLength, value.timestamp, now);
        this.display.update(this.state(), this.last);
        break;
      }
      case CAMERA_STATUS_TOPIC: {
        const status = message.value as CameraStatus;
        this.sent = status.sent;
        this.cameraIdle = !status.acquiring;
        if (this.cameraIdle) {
          this.stats.pause();
          this.display.tileDone(this.state());
        }
        break;
      }
      case SCAN_PROGRESS_TOPIC:
        this.progress = message.value as ScanProgress;
        break;
      case SCAN_DONE_TOPIC:
        this.scanFrames = (message.value as ScanDone).frames;
        break;
    }
  }
}
