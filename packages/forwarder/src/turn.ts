/**
 * Resolves after the event loop has run once (`setImmediate`): what a loop of
 * operations that all complete at once awaits now and then, so that timers,
 * I/O and other sockets get their turn.
 *
 * @internal
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Operations a socket completes back to back before {@link nextTurn}. @internal */
export const OPERATIONS_PER_TURN = 256;
