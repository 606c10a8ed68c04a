/**
 * Thrown by {@link Signal.emit} (and rejected by {@link Signal.emitAsync}) after
 * every slot has run, when one or more of them failed. `errors` holds each
 * failure in slot order.
 *
 * @example
 * ```ts
 * try {
 *   signal.emit(1);
 * } catch (error) {
 *   if (error instanceof EmitError) console.log(error.errors.length);
 * }
 * ```
 */
export class EmitError extends AggregateError {
  /** The name of the signal whose slots failed, when it has one. */
  readonly signalName: string | undefined;

  /**
   * @param errors what each failing slot threw (or rejected with)
   * @param signalName the emitting signal's name, used in the message
   */
  constructor(errors: readonly unknown[], signalName?: string) {
    const what = signalName === undefined ? "signal" : `signal ${signalName}`;
    const count = errors.length === 1 ? "1 slot" : `${errors.length} slots`;
    super(errors, `${count} of ${what} failed: ${describe(errors[0])}`);
    this.name = "EmitError";
    this.signalName = signalName;
  }
}

/** @internal */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
