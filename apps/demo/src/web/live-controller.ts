import { Signal, type SignalRegistry } from "@sunflare/signal";
import { slot } from "@sunflare/slot";

declare module "@sunflare/signal" {
  interface SignalMap {
    LiveController: Pick<
      LiveController,
      "sigMoveRequested" | "sigAcquisitionRequested" | "sigStopRequested" | "sigExposureRequested"
    >;
    /** The browser page's controls (apps/demo/web/app.js registers them). */
    LiveView: {
      sigStart: Signal;
      sigStop: Signal;
      sigExposure: Signal<[ms: number]>;
    };
  }
}

/** What the live controller needs from the bus: signals only. */
export type LiveControllerBus = Pick<SignalRegistry, "registerSignals" | "connect">;

/** Options of {@link LiveController}. */
export interface LiveControllerOptions {
  /** Stage positions visited in turn while live, micrometres. */
  positions: readonly [x: number, y: number][];
  /** Milliseconds at each position. */
  dwellMs: number;
  /** Called when the page asks to stop: the session ends. */
  onStop(): void;
}

/**
 * The acquisition controller of the `--web` session: the page's buttons
 * drive it, and it drives the camera and the stage, all by signals.
 *
 * It listens to the page's `LiveView` signals (`sigStart`, `sigStop`),
 * wired with `deferred: true` since the page joins whenever a browser opens
 * it. Start: the camera streams until Stop, while the stage tours the
 * sample. The page's exposure control is wired to the camera directly.
 */
export class LiveController {
  /** Asks the stage to move to (x, y) micrometres. */
  readonly sigMoveRequested = new Signal<[x: number, y: number]>();
  /** Asks the camera to acquire `frames` frames (Infinity: until stopped). */
  readonly sigAcquisitionRequested = new Signal<[frames: number]>();
  /** Asks the camera to stop acquiring. */
  readonly sigStopRequested = new Signal();
  /** Asks the camera for an exposure of `ms` milliseconds. */
  readonly sigExposureRequested = new Signal<[ms: number]>();

  private tour: NodeJS.Timeout | undefined;
  private next = 0;
  private live = false;

  constructor(
    private readonly bus: LiveControllerBus,
    private readonly options: LiveControllerOptions,
  ) {}

  registrationPhase(): void {
    this.bus.registerSignals(this, { name: "LiveController" });
  }

  connectionPhase(): void {
    this.bus.connect("LiveView", "sigStart", this.start, { deferred: true });
    this.bus.connect("LiveView", "sigStop", this.stop, { deferred: true });
    this.bus.connect("LiveView", "sigExposure", this.setExposure, { deferred: true });
  }

  /** Streams until {@link stop}, moving the stage every `dwellMs`. */
  @slot
  start(): void {
    if (this.live) return;
    this.live = true;
    this.moveOn();
    this.tour = setInterval(this.moveOn, this.options.dwellMs);
    this.sigAcquisitionRequested.emit(Infinity);
  }

  /** Stops streaming and ends the session. */
  @slot
  stop(): void {
    this.halt();
    this.options.onStop();
  }

  /** The page's exposure control, passed on to the camera. */
  @slot
  setExposure(ms: number): void {
    this.sigExposureRequested.emit(ms);
  }

  shutdown(): void {
    this.halt();
  }

  private halt(): void {
    clearInterval(this.tour);
    if (this.live) this.sigStopRequested.emit();
    this.live = false;
  }

  @slot({ private: true })
  private moveOn(): void {
    const { positions } = this.options;
    const [x, y] = positions[this.next++ % positions.length]!;
    this.sigMoveRequested.emit(x, y);
  }
}
