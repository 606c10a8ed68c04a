import type { Publisher } from "@sunflare/forwarder";
import { Signal, type SignalRegistry, type SignalsFor } from "@sunflare/signal";
import { slot } from "@sunflare/slot";
import {
  SCAN_DONE_TOPIC,
  SCAN_PROGRESS_TOPIC,
  type ScanDone,
  type ScanProgress,
} from "./messages.js";

declare module "@sunflare/signal" {
  interface SignalMap {
    AcquisitionController: Pick<
      AcquisitionController,
      "sigAcquisitionRequested" | "sigStopRequested" | "sigScanFinished"
    >;
  }
}

/**
 * What the controller needs from the bus: signals, calls and properties by
 * name, and a publisher for progress.
 */
export interface ControllerBus extends Pick<
  SignalRegistry,
  "registerSignals" | "signals" | "has" | "call" | "properties"
> {
  connectPublisher(): Publisher;
}

/** A tiled scan: a grid of stage positions, a few frames at each. */
export interface ScanPlan {
  tilesX: number;
  tilesY: number;
  framesPerTile: number;
  /** Distance between neighbouring tiles, micrometres. */
  stepX: number;
  stepY: number;
  exposureMs: number;
  /** Subscribers to wait for before the scan starts (default 0), as for the camera. */
  subscribers?: number;
}

/**
 * Runs a tiled scan: move the stage, acquire N frames, next tile.
 *
 * It knows the stage and the camera only by their registry names: it sets
 * the camera's `exposure` property, calls the stage's `moveTo` and waits for
 * its answer, and drives the camera's acquisitions by emitting its own
 * request signals, which the camera listens to.
 */
export class AcquisitionController {
  /** Asks the camera to acquire `frames` frames. */
  readonly sigAcquisitionRequested = new Signal<[frames: number]>();
  /** Asks the camera to stop acquiring. */
  readonly sigStopRequested = new Signal();
  /** The scan is complete: `frames` frames acquired. */
  readonly sigScanFinished = new Signal<[frames: number]>();

  private camera: SignalsFor<"Camera"> | undefined;
  private publisher: Publisher | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly bus: ControllerBus,
    private readonly plan: ScanPlan,
  ) {}

  registrationPhase(): void {
    this.bus.registerSignals(this, { name: "AcquisitionController" });
  }

  connectionPhase(): void {
    for (const needed of ["Stage", "Camera"]) {
      if (!this.bus.has(needed))
        throw new Error(`AcquisitionController needs a ${needed} on the bus`);
    }
    this.camera = this.bus.signals("Camera");
    this.publisher = this.bus.connectPublisher();
  }

  /** Runs the scan; resolves with the number of frames the camera published. */
  @slot
  async scan(): Promise<number> {
    const { bus, camera, publisher, plan } = this;
    if (!camera || !publisher)
      throw new Error("AcquisitionController: scan() before the connection phase");
    const { signal } = this.abort;
    const tiles = plan.tilesX * plan.tilesY;
    const frames = tiles * plan.framesPerTile;
    await publisher.waitForSubscribers(plan.subscribers ?? 0, { signal });
    // Resolves once the camera accepted it (a refusal rejects, and the scan with it).
    await bus.properties("Camera").exposure.set(plan.exposureMs);
    let sent = 0;
    for (const [index, [x, y]] of tilePositions(plan).entries()) {
      // A call: it resolves where the stage settled, or rejects (code "aborted" if the session stops).
      // (The positions it passes on the way, its progress, also change Stage.position.)
      const position = await bus.call("Stage", "moveTo", [x, y], { signal });
      const progress: ScanProgress = { tile: index + 1, tiles, position, frames };
      await publisher.send(SCAN_PROGRESS_TOPIC, progress);
      const stopped = camera.sigAcquisitionStopped.next({ signal });
      this.sigAcquisitionRequested.emit(plan.framesPerTile);
      const [total, error] = await stopped;
      if (error) throw error;
      sent = total;
    }
    await publisher.send(SCAN_DONE_TOPIC, { frames: sent } satisfies ScanDone);
    this.sigScanFinished.emit(sent);
    return sent;
  }

  shutdown(): void {
    this.abort.abort(new Error("the session is shutting down"));
    this.sigStopRequested.emit();
    this.publisher?.close();
  }
}

/** Tile positions in serpentine order, so the stage never flies back across the sample. */
export function tilePositions(plan: ScanPlan): [x: number, y: number][] {
  const positions: [number, number][] = [];
  for (let row = 0; row < plan.tilesY; row++) {
    for (let i = 0; i < plan.tilesX; i++) {
      const col = row % 2 === 0 ? i : plan.tilesX - 1 - i;
      positions.push([col * plan.stepX, row * plan.stepY]);
    }
  }
  return positions;
}
