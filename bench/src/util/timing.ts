import { setTimeout as sleep } from "node:timers/promises";

/** Monotonic milliseconds. */
export const now = (): number => performance.now();

/** A promise with its resolve function outside, for callbacks that end a measurement. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Resolves `true` when `done` settles, or `false` once `progress()` has not moved
 * for `stallMs`. Benchmarks bound every wait so that a lossy path ends the case
 * instead of hanging it; the caller reports what went missing.
 */
export async function waitFor(
  done: Promise<unknown>,
  progress: () => number,
  stallMs = 2000,
): Promise<boolean> {
  let finished = false;
  void done.then(() => (finished = true));
  let last = progress();
  let lastMove = now();
  for (;;) {
    const settled = await Promise.race([done.then(() => true), sleep(50).then(() => false)]);
    if (settled || finished) return true;
    const current = progress();
    if (current !== last) {
      last = current;
      lastMove = now();
    } else if (now() - lastMove > stallMs) {
      return false;
    }
  }
}

/** Runs the garbage collector when node was started with `--expose-gc`. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
