import { join } from "node:path";
import { asNDArray } from "@sunflare/codec";
import type { Message, Subscriber } from "@sunflare/forwarder";
import { Signal, type SignalRegistry } from "@sunflare/signal";
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

declare module "@sunflare/signal" {
  interface SignalMap {
    Viewer: Pick<Viewer, "sigFinished" | "sigFailed">;
  }
}

/** What the viewer needs from the bus: a subscriber, and a name for its signals. */
export interface ViewerBus extends Pick<SignalRegistry, "registerSignals"> {
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
 * Registered as `Viewer`: it tells the session how the scan went with
 * `sigFinished(report)`, or `sigFailed(message)`. Its data arrives through a
 * subscriber, so the same plugin runs on the main thread, in a worker thread
 * or in another process.
 */
export class Viewer {
  /** The scan is over, or the session stopped: what the viewer saw (the PNG is written). */
  readonly sigFinished = new Signal<[report: ViewerReport]>();
  /** The viewer failed and stopped watching. */
  readonly sigFailed = new Signal<[message: string]>();

  private subscriber: Subscriber | undefined;
  private watching: Promise<void> | undefined;
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
    this.display = new Display(options.display, out);
  }

  registrationPhase(): void {
    this.bus.registerSignals(this, { name: "Viewer" });
  }

  /** Subscribes; resolves once listening, so `launch` returns with no frame to miss. */
  async connectionPhase(): Promise<void> {
    const subscriber = this.bus.connectSubscriber(["camera/", "scan/"]);
    this.subscriber = subscriber;
    await subscriber.ready();
    this.watching = this.watch(subscriber);
  }

  /** Stops watching; the report of what arrived so far still goes out, and the PNG is written. */
  async shutdown(): Promise<void> {
    this.subscriber?.close();
    await this.watching;
    this.display.end();
  }

  private async watch(subscriber: Subscriber): Promise<void> {
    let report: ViewerReport;
    try {
      report = await this.run(subscriber);
    } catch (error) {
      subscriber.close();
      this.display.end();
      this.sigFailed.emit(error instanceof Error ? error.message : String(error));
      return;
    }
    this.sigFinished.emit(report);
  }

  private async run(subscriber: Subscriber): Promise<ViewerReport> {
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
