import { CallError, Signal, type Call, type SignalRegistry } from "@sunflare/signal";
import { slot } from "@sunflare/slot";
import type { Position } from "../plugins/stage.js";

declare module "@sunflare/signal" {
  interface SignalMap {
    LiveController: Pick<LiveController, "sigAcquisitionRequested" | "sigStopRequested">;
    /** The browser page's controls (apps/demo/web/app.js registers them). */
    LiveView: {
      sigStart: Signal;
      sigStop: Signal;
    };
  }
}

/** What the live controller needs from the bus: signals, and calls to the stage. */
export type LiveControllerBus = Pick<SignalRegistry, "registerSignals" | "connect" | "call">;

/** Options of {@link LiveController}. */
export interface LiveControllerOptions {
  /** Stage positions visited in turn while live, micrometres. */
  positions: readonly Position[];
  /** Milliseconds at each position. */
  dwellMs: number;
  /** Called when the page asks to stop: the session ends. */
  onStop(): void;
}

/**
 * The acquisition controller of the `--web` session: the page's buttons
 * drive it, and it drives the camera by signals and the stage by calls.
 *
 * It listens to the page's `LiveView` signals (`sigStart`, `sigStop`),
 * wired with `deferred: true` since the page joins whenever a browser opens
 * it. Start: the camera streams until Stop, while the stage tours the
 * sample. The page sets the camera's exposure itself, through its property.
 */
export class LiveController {
  /** Asks the camera to acquire `frames` frames (Infinity: until stopped). */
  readonly sigAcquisitionRequested = new Signal<[frames: number]>();
  /** Asks the camera to stop acquiring. */
  readonly sigStopRequested = new Signal();

  private tour: NodeJS.Timeout | undefined;
  private next = 0;
  private live = false;
  /** The stage's move in progress, if any. */
  private move: Call<Position> | undefined;

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

  shutdown(): void {
    this.halt();
  }

  private halt(): void {
    clearInterval(this.tour);
    // The stage stops where it is.
    this.move?.cancel();
    if (this.live) this.sigStopRequested.emit();
    this.live = false;
  }

  @slot({ private: true })
  private moveOn(): void {
    const { positions } = this.options;
    const [x, y] = positions[this.next++ % positions.length]!;
    // A move still under way (a slow stage) gives way to the next one.
    this.move?.cancel();
    const move = this.bus.call("Stage", "moveTo", [x, y]);
    this.move = move;
    move.then(
      () => this.move === move && (this.move = undefined),
      (error: unknown) => {
        // Cancelled by us; anything else, the stage could not move: the tour goes on.
        if (error instanceof CallError && error.code === "aborted") return;
        console.error(`The stage did not reach (${x}, ${y}):`, error);
      },
    );
  }
}
