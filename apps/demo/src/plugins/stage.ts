import { setTimeout as delay } from "node:timers/promises";
import { Property, type SignalRegistry } from "@sunflare/signal";
import { slot } from "@sunflare/slot";

/** A stage position, micrometres. */
export type Position = [x: number, y: number];

declare module "@sunflare/signal" {
  interface SlotMap {
    Stage: Pick<Stage, "moveTo">;
  }
  interface PropertyMap {
    Stage: Pick<Stage, "position">;
  }
}

/** What the stage needs from the bus: a name for its position and its move. */
export type StageBus = Pick<SignalRegistry, "registerSignals">;

/** Options of {@link Stage}. */
export interface StageOptions {
  /** Travel speed, micrometres per millisecond. Default 1 (1 mm/s). */
  speed?: number;
  /** Time to settle after each move, milliseconds. Default 20. */
  settleMs?: number;
  /** Milliseconds between the positions a move reports on its way. Default 25. */
  reportMs?: number;
}

/**
 * A simulated motorised XY stage. Moves take the time a real stage would
 * need.
 *
 * Registered as `Stage`: the property `position` (micrometres, updated on
 * the way) and the callable slot `moveTo(x, y)`, which yields the positions
 * it passes (the call's progress) and returns where it ended, once settled.
 */
export class Stage {
  /** Whether the stage itself is setting {@link position} (the only way it changes). */
  #placing = false;
  /** Where the stage is, micrometres: it follows the motors, so only {@link moveTo} changes it. */
  readonly position = new Property<Position>([0, 0], {
    validate: () => {
      if (!this.#placing) throw new Error("Stage: the position follows the motors; call moveTo");
    },
  });
  /** Moves started so far: a move that is no longer the latest gives way. */
  #moves = 0;
  readonly #abort = new AbortController();

  constructor(
    private readonly bus: StageBus,
    private readonly options: StageOptions = {},
  ) {}

  registrationPhase(): void {
    this.bus.registerSignals(this, { name: "Stage" });
  }

  /**
   * Moves to (x, y) micrometres in a straight line, yielding the position
   * every `reportMs` on the way; resolves with (x, y) once settled there. A
   * newer move replaces this one (which then throws); a cancelled call
   * stops the stage where it is.
   */
  @slot
  async *moveTo(x: number, y: number): AsyncGenerator<Position, Position> {
    const move = ++this.#moves;
    const { speed = 1, settleMs = 20, reportMs = 25 } = this.options;
    const [fromX, fromY] = this.position.value;
    const travel = Math.hypot(x - fromX, y - fromY) / speed;
    const steps = Math.max(1, Math.ceil(travel / reportMs));
    const { signal } = this.#abort;
    for (let step = 1; step <= steps; step++) {
      await delay(travel / steps, undefined, { signal });
      if (move !== this.#moves) throw new Error(`Stage: the move to (${x}, ${y}) was replaced`);
      const t = step / steps;
      yield this.place([fromX + t * (x - fromX), fromY + t * (y - fromY)]);
    }
    await delay(settleMs, undefined, { signal });
    return this.position.value;
  }

  shutdown(): void {
    // A move in progress stops (its call fails) instead of keeping the process alive.
    this.#abort.abort(new Error("the stage is shutting down"));
  }

  /** Sets {@link position}, the stage's own change; returns it. */
  private place(at: Position): Position {
    this.#placing = true;
    try {
      // The owner's set is synchronous: validated, stored and announced before it returns.
      void this.position.set(at);
    } finally {
      this.#placing = false;
    }
    return at;
  }
}
