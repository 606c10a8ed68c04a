import { setTimeout as delay } from "node:timers/promises";
import { allocNDArray } from "@sunflare/codec";
import type { Publisher } from "@sunflare/forwarder";
import { Property, Signal, type SignalRegistry } from "@sunflare/signal";
import { slot } from "@sunflare/slot";
import { BeadScene } from "../sim/scene.js";
import {
  CAMERA_STATUS_TOPIC,
  FRAMES_TOPIC,
  wallClock,
  type CameraStatus,
  type FrameMessage,
} from "./messages.js";

declare module "@sunflare/signal" {
  interface SignalMap {
    Camera: Pick<Camera, "sigAcquisitionStarted" | "sigAcquisitionStopped">;
  }
  interface PropertyMap {
    Camera: Pick<Camera, "exposure">;
  }
}

/** What the camera needs from the bus: signals and properties, and a publisher for its frames. */
export interface CameraBus extends Pick<
  SignalRegistry,
  "registerSignals" | "connect" | "has" | "properties"
> {
  connectPublisher(): Publisher;
}

/** Options of {@link Camera}. */
export interface CameraOptions {
  width: number;
  height: number;
  /** Frames per second the camera aims for. */
  fps: number;
  /** Initial exposure, milliseconds. Default 20. */
  exposureMs?: number;
  /** Micrometres of sample per pixel. Default 0.5. */
  pixelSize?: number;
  /**
   * Subscribers to wait for before the first frame of an acquisition
   * (default 0: stream regardless). Subscribers in other threads or
   * processes announce themselves to each publisher; this is how the camera
   * knows a remote viewer will get every frame.
   */
  subscribers?: number;
  /** Registry name of the plugin whose requests the camera obeys. Default "AcquisitionController". */
  controller?: string;
}

/**
 * A simulated 16-bit camera looking at fluorescent beads on the stage.
 *
 * Registered as `Camera`: `sigAcquisitionStarted(frames)`,
 * `sigAcquisitionStopped(sent, error?)` and the property `exposure`
 * (milliseconds; it refuses a value that is not positive). Frames go out on
 * `camera/frames` as {@link FrameMessage}s; every send is awaited, so a
 * burst never outruns the socket and nothing is dropped on our side.
 */
export class Camera {
  /** An acquisition of `frames` frames has started. */
  readonly sigAcquisitionStarted = new Signal<[frames: number]>();
  /** The acquisition is over; `sent` frames published in the session so far; `error` if it failed. */
  readonly sigAcquisitionStopped = new Signal<[sent: number, error?: Error]>();
  /** Exposure, milliseconds: anyone on the bus reads it, watches it and sets it. */
  readonly exposure: Property<number>;

  private readonly scene: BeadScene;
  private publisher: Publisher | undefined;
  /** Where the slide is: the stage's position, when there is a stage. */
  private stage: { readonly value: readonly [x: number, y: number] } = { value: [0, 0] };
  private sent = 0;
  private acquisition: Promise<void> | undefined;
  private stopRequested = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly bus: CameraBus,
    private readonly options: CameraOptions,
  ) {
    this.scene = new BeadScene({ width: options.width, height: options.height });
    this.exposure = new Property(options.exposureMs ?? 20, {
      validate: (ms) => {
        if (!(ms > 0)) throw new RangeError(`Camera: exposure must be positive, got ${ms}`);
      },
    });
  }

  registrationPhase(): void {
    this.bus.registerSignals(this, { name: "Camera" });
  }

  connectionPhase(): void {
    this.publisher = this.bus.connectPublisher();
    // The slide sits on the stage: what the camera sees follows the stage's position.
    if (this.bus.has("Stage")) this.stage = this.bus.properties("Stage").position;
    const controller = this.options.controller ?? "AcquisitionController";
    this.bus.connect(controller, "sigAcquisitionRequested", this.start);
    this.bus.connect(controller, "sigStopRequested", this.stop);
  }

  /** Starts acquiring `frames` frames (until {@link Camera.stop} when omitted). */
  @slot
  start(frames = Infinity): void {
    if (this.acquisition) throw new Error("Camera: an acquisition is already running");
    this.stopRequested = false;
    this.acquisition = this.acquire(frames).finally(() => (this.acquisition = undefined));
  }

  /** Stops the running acquisition after the frame in progress. */
  @slot
  stop(): void {
    this.stopRequested = true;
  }

  async shutdown(): Promise<void> {
    this.stop();
    // An acquisition still waiting for a viewer (one that crashed, say) waits no more.
    this.abort.abort(new Error("the session is shutting down"));
    // A failed acquisition was reported when it failed; shutting down goes on.
    await this.acquisition?.catch(() => undefined);
    this.publisher?.close();
  }

  private async acquire(frames: number): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) throw new Error("Camera: start() before the connection phase");
    const { width, height, fps, pixelSize = 0.5 } = this.options;
    let failure: Error | undefined;
    this.sigAcquisitionStarted.emit(frames);
    try {
      await publisher.waitForSubscribers(this.options.subscribers ?? 0, {
        signal: this.abort.signal,
      });
      await publisher.send(CAMERA_STATUS_TOPIC, {
        acquiring: true,
        sent: this.sent,
      } satisfies CameraStatus);
      const start = performance.now();
      for (let n = 0; n < frames && !this.stopRequested; n++) {
        // Pace against the start time, so timer jitter does not accumulate.
        const wait = start + (n * 1000) / fps - performance.now();
        // A camera behind schedule still yields to the event loop once per frame (sends
        // resolve at once), so signals, heartbeats and pages are served while it streams.
        await delay(Math.max(0, wait));
        const [x, y] = this.stage.value;
        const exposureMs = this.exposure.value;
        // A new framed array per frame: encoding writes the message around its
        // pixels without copying them, and the message owns them once sent.
        const frame = allocNDArray("uint16", [height, width]);
        this.scene.render(x / pixelSize, y / pixelSize, exposureMs, frame.data);
        const message: FrameMessage = {
          seq: this.sent,
          timestamp: wallClock(),
          exposureMs,
          position: [x, y],
          frame,
        };
        await publisher.send(FRAMES_TOPIC, message);
        this.sent++;
      }
      await publisher.send(CAMERA_STATUS_TOPIC, {
        acquiring: false,
        sent: this.sent,
      } satisfies CameraStatus);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    this.sigAcquisitionStopped.emit(this.sent, failure);
  }
}
