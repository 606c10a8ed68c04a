import { RECEIVER } from "./links.js";

/** Options of {@link throttled}. */
export interface ThrottleOptions {
  /** Call at the start of a window. Default `true`. */
  leading?: boolean;
  /** Call with the latest arguments at the end of a window that saw calls. Default `true`. */
  trailing?: boolean;
  /** Receives what a call made from a timer throws. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/** Options of {@link debounced}. */
export interface DebounceOptions {
  /** Call at the first call of a burst. Default `false`. */
  leading?: boolean;
  /** Call with the latest arguments once calls stop for `ms`. Default `true`. */
  trailing?: boolean;
  /** Receives what a call made from a timer throws. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/**
 * A rate-limited slot, as {@link throttled} and {@link debounced} return it:
 * callable like the original, plus control over the call it holds back.
 */
export type RateLimited<F extends (...args: never[]) => unknown> = ((
  this: ThisParameterType<F>,
  ...args: Parameters<F>
) => void) & {
  /** Drops the held-back call, if any, and resets the timer. */
  cancel(): void;
  /** Makes the held-back call now, if any (what it throws goes to the caller). */
  flush(): void;
  /** Whether a call is held back. */
  readonly pending: boolean;
};

/** Shared machinery of throttling and debouncing. @internal */
class Limiter<F extends (...args: never[]) => unknown> {
  timer: ReturnType<typeof setTimeout> | undefined;
  held: { self: unknown; args: Parameters<F> } | undefined;

  constructor(
    readonly fn: F,
    readonly ms: number,
    readonly onError: (error: unknown) => void,
  ) {}

  invoke(self: unknown, args: Parameters<F>): void {
    this.fn.apply(self, args);
  }

  /** Makes the held-back call, if any. */
  release(fromTimer: boolean): boolean {
    const held = this.held;
    if (held === undefined) return false;
    this.held = undefined;
    if (!fromTimer) {
      this.invoke(held.self, held.args);
      return true;
    }
    try {
      this.invoke(held.self, held.args);
    } catch (error) {
      this.onError(error);
    }
    return true;
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  wrap(call: (self: unknown, args: Parameters<F>) => void): RateLimited<F> {
    const wrapper = function (this: unknown, ...args: Parameters<F>): void {
      call(this, args);
    };
    const receiver = (this.fn as unknown as Record<symbol, unknown>)[RECEIVER];
    // Keep a bound @slot method's owner, so disconnectReceiver finds the wrapper too.
    if (receiver !== undefined) Object.defineProperty(wrapper, RECEIVER, { value: receiver });
    return Object.defineProperties(wrapper, {
      cancel: {
        value: () => {
          this.stop();
          this.held = undefined;
        },
      },
      flush: {
        value: () => {
          this.stop();
          this.release(false);
        },
      },
      pending: { get: () => this.held !== undefined },
    }) as unknown as RateLimited<F>;
  }
}

/** @internal */
function check(fn: unknown, ms: number): void {
  if (typeof fn !== "function")
    throw new TypeError(`Expected a function to rate-limit, got ${typeof fn}.`);
  if (!(ms >= 0 && ms < Infinity))
    throw new RangeError(`ms must be a finite non-negative number, got ${ms}.`);
}

/** @internal */
function reportToConsole(error: unknown): void {
  console.error("A rate-limited slot threw:", error);
}

/**
 * Wraps `fn` so it runs at most once per `ms` milliseconds: at the start of a
 * window (`leading`), and with the latest held-back arguments at its end
 * (`trailing`). Connect the wrapper, not `fn`.
 *
 * @example
 * ```ts
 * const redraw = signal.connect(throttled((x: number) => draw(x), 100));
 * // on shutdown:
 * redraw.cancel();
 * ```
 */
export function throttled<F extends (...args: never[]) => unknown>(
  fn: F,
  ms: number,
  options: ThrottleOptions = {},
): RateLimited<F> {
  check(fn, ms);
  const { leading = true, trailing = true } = options;
  const limiter = new Limiter(fn, ms, options.onError ?? reportToConsole);
  const endWindow = (): void => {
    limiter.timer = undefined;
    // A trailing call opens a new window, so calls stay at least `ms` apart.
    if (trailing && limiter.release(true)) limiter.timer = setTimeout(endWindow, ms);
    else limiter.held = undefined;
  };
  return limiter.wrap((self, args) => {
    if (limiter.timer === undefined) {
      limiter.timer = setTimeout(endWindow, ms);
      if (leading) {
        limiter.invoke(self, args);
        return;
      }
    }
    limiter.held = { self, args };
  });
}

/**
 * Wraps `fn` so a burst of calls runs it once: after calls stop for `ms`
 * milliseconds, with the latest arguments (`trailing`), and/or at the first
 * call of the burst (`leading`).
 *
 * @example
 * ```ts
 * const save = debounced((settings: Settings) => write(settings), 500);
 * sigChanged.connect(save);
 * save.flush(); // before exit
 * ```
 */
export function debounced<F extends (...args: never[]) => unknown>(
  fn: F,
  ms: number,
  options: DebounceOptions = {},
): RateLimited<F> {
  check(fn, ms);
  const { leading = false, trailing = true } = options;
  const limiter = new Limiter(fn, ms, options.onError ?? reportToConsole);
  const quiet = (): void => {
    limiter.timer = undefined;
    if (trailing) limiter.release(true);
    else limiter.held = undefined;
  };
  return limiter.wrap((self, args) => {
    const first = limiter.timer === undefined;
    limiter.stop();
    limiter.timer = setTimeout(quiet, ms);
    if (first && leading) limiter.invoke(self, args);
    else limiter.held = { self, args };
  });
}
