import type { Signal } from "../signal.js";

/** Options of {@link SignalSpy.wait}. */
export interface SpyWaitOptions {
  /** Rejects with a `TimeoutError` `DOMException` after this long. Default 5000. */
  timeoutMs?: number;
  /**
   * Resolve once the spy has recorded this many emissions in total (at once
   * if it already has). Default: the next emission after the call.
   */
  count?: number;
  /** Rejects with the abort reason when aborted. */
  signal?: AbortSignal;
}

interface SpyWaiter<Args> {
  target: number;
  resolve(args: Args): void;
}

/**
 * Records the emissions of a signal, for tests (like Qt's `QSignalSpy` and
 * `psygnal.testing`).
 *
 * @example
 * ```ts
 * using spy = new SignalSpy(stage.sigMoved);
 * stage.moveTo(1, 2);
 * expect(spy.calls).toEqual([[1, 2]]);
 * const [x] = await spy.wait({ timeoutMs: 1000 });
 * ```
 */
export class SignalSpy<Args extends unknown[]> implements Disposable {
  readonly #signal: Signal<Args>;
  readonly #calls: Args[] = [];
  readonly #waiters = new Set<SpyWaiter<Args>>();
  readonly #slot = (...args: Args): void => {
    this.#calls.push(args);
    for (const waiter of [...this.#waiters]) {
      if (this.#calls.length >= waiter.target) waiter.resolve(args);
    }
  };

  /** Starts recording `signal`. */
  constructor(signal: Signal<Args>) {
    this.#signal = signal;
    signal.connect(this.#slot);
  }

  /** Every recorded payload, oldest first. */
  get calls(): readonly Args[] {
    return this.#calls;
  }

  /** The number of recorded emissions. */
  get count(): number {
    return this.#calls.length;
  }

  /** The latest recorded payload. */
  get last(): Args | undefined {
    return this.#calls.at(-1);
  }

  /** Forgets what was recorded. */
  clear(): void {
    this.#calls.length = 0;
  }

  /**
   * Resolves with the payload of the next emission (or of emission number
   * `count`), rejects after `timeoutMs`.
   */
  wait(options: SpyWaitOptions = {}): Promise<Args> {
    const { timeoutMs = 5000, count, signal } = options;
    const target = count ?? this.#calls.length + 1;
    const reached = this.#calls[target - 1];
    if (reached !== undefined) return Promise.resolve(reached);
    return new Promise<Args>((resolve, reject) => {
      if (signal?.aborted) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the caller's reason, as is
        reject(signal.reason);
        return;
      }
      const finish = (): void => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const onAbort = (): void => {
        finish();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the caller's reason, as is
        reject(signal?.reason);
      };
      const waiter: SpyWaiter<Args> = {
        target,
        resolve: (args) => {
          finish();
          resolve(args);
        },
      };
      const timer = setTimeout(() => {
        finish();
        const seen = this.#calls.length;
        reject(
          new DOMException(
            `Expected emission ${target} within ${timeoutMs} ms; saw ${seen}.`,
            "TimeoutError",
          ),
        );
      }, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Stops recording; what was recorded stays readable. */
  dispose(): void {
    this.#signal.disconnect(this.#slot);
  }

  /** Same as {@link SignalSpy.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
