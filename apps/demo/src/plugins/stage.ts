import { Signal, type SignalRegistry } from "@sunflare/signal";
import { slot } from "@sunflare/slot";

declare module "@sunflare/signal" {
  interface SignalMap {
    Stage: Pick<Stage, "sigMoveStarted" | "sigPositionChanged">;
  }
}

/** What the stage needs from the bus: signals only, no data streams. */
export type StageBus = Pick<SignalRegistry, "registerSignals" | "connect">;

/** Options of {@link Stage}. */
export interface StageOptions {
  /** Travel speed, micrometres per millisecond. Default 1 (1 mm/s). */
  speed?: number;
  /** Time to settle after each move, milliseconds. Default 20. */
  settleMs?: number;
  /** Registry name of the plugin whose move requests the stage obeys. Default "AcquisitionController". */
  controller?: string;
}

/**
 * A simulated motorised XY stage. Moves take the time a real stage would
 * need; the position is announced when the stage has arrived and settled.
 *
 * Registered as `Stage`: `sigMoveStarted(x, y)` and `sigPositionChanged(x, y)`,
 * in micrometres. Its `move` slot listens to the controller's `sigMoveRequested`.
 */
export class Stage {
  /** A move towards (x, y) has begun. */
  readonly sigMoveStarted = new Signal<[x: number, y: number]>();
  /** The stage has arrived at (x, y) and settled. */
  readonly sigPositionChanged = new Signal<[x: number, y: number]>();
  /** Current position, micrometres. */
  position: [x: number, y: number] = [0, 0];
  private motion: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: StageBus,
    private readonly options: StageOptions = {},
  ) {}

  registrationPhase(): void {
    this.bus.registerSignals(this, { name: "Stage" });
  }

  connectionPhase(): void {
    const controller = this.options.controller ?? "AcquisitionController";
    this.bus.connect(controller, "sigMoveRequested", this.move);
  }

  /** Moves to (x, y) micrometres; a new request replaces a move in progress. */
  @slot
  move(x: number, y: number): void {
    clearTimeout(this.motion);
    const [fromX, fromY] = this.position;
    const travel = Math.hypot(x - fromX, y - fromY) / (this.options.speed ?? 1);
    this.sigMoveStarted.emit(x, y);
    this.motion = setTimeout(
      () => {
        this.motion = undefined;
        this.position = [x, y];
        this.sigPositionChanged.emit(x, y);
      },
      travel + (this.options.settleMs ?? 20),
    );
  }

  shutdown(): void {
    clearTimeout(this.motion);
  }
}
