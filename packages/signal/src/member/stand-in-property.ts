/**
 * A stand-in for a property owned by another member: its value is the
 * owner's, as the owner's values messages say, and `set` asks the owner.
 *
 * @internal
 */
import { Property } from "../property.js";

/** @internal */
export class StandInProperty extends Property<unknown> {
  constructor(
    initial: unknown,
    /** Asks the owner to take `value`; resolves with what it accepted. */
    readonly ask: (value: unknown) => Promise<unknown>,
  ) {
    super(initial);
  }

  /** The owner's value changed. */
  receive(value: unknown): void {
    this.assign(value);
  }

  protected override request(value: unknown): Promise<unknown> {
    return this.ask(value);
  }
}
