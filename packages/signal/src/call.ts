/**
 * Calls: asking an owner's slot for something and getting an answer or an
 * error, wherever the owner lives. One {@link Call} shape for a slot run
 * here and one run in another member; this file holds what both share (the
 * deadline, `AbortSignal`, `cancel()`, progress) and how a slot's result
 * (a value, a promise or an async generator) is followed here.
 */
import type { ErrorCode } from "@sunflare/wire";
import { SunflareError } from "@sunflare/wire";
import { Signal } from "./signal.js";

/** Options of a call (see `SignalRegistry.call`). */
export interface CallOptions {
  /** Milliseconds before the call rejects with code `"timeout"` and the slot is cancelled (default 30,000). */
  timeoutMs?: number;
  /** Aborting it cancels the call: it rejects with code `"aborted"`. */
  signal?: AbortSignal;
}

/**
 * A call in flight: a promise of the slot's result, with the values the slot
 * yields on the way and a way to cancel it.
 *
 * @example
 * ```ts
 * const move = bus.call("Stage", "moveTo", [100, 200]);
 * move.progress.connect((position) => console.log("at", position));
 * const end = await move; // or move.cancel()
 * ```
 */
export interface Call<R> extends Promise<R> {
  /** Every value the slot yields, in order. */
  readonly progress: Signal<[unknown]>;
  /** Cancels the call: the slot's generator is returned (its `finally` runs), and the call rejects (code `"aborted"`). */
  cancel(reason?: unknown): void;
}

/** How a call failed, as {@link CallError.code} says it. */
export type CallErrorCode = Extract<
  ErrorCode,
  "remote" | "unknown" | "timeout" | "aborted" | "gone" | "encode" | "closed"
>;

/** What a slot that threw said, in the member where it ran. */
export interface RemoteErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/**
 * Why a call failed: the slot threw (`"remote"`, with {@link CallError.remote}),
 * there is no such owner or slot (`"unknown"`), the deadline passed
 * (`"timeout"`), it was cancelled (`"aborted"`), the owner's member left or
 * died (`"gone"`), the calling member closed first (`"closed"`), or the
 * codec cannot carry its arguments or result (`"encode"`).
 */
export class CallError extends SunflareError {
  /** `"CallError"`. */
  override name = "CallError";
  declare readonly code: CallErrorCode;

  /**
   * @param code why it failed
   * @param owner the registry name of the owner called
   * @param slot the slot (or property) called
   * @param message what happened
   * @param remote with `"remote"`: the error the slot threw
   */
  constructor(
    code: CallErrorCode,
    readonly owner: string,
    readonly slot: string,
    message: string,
    readonly remote?: RemoteErrorInfo,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** What runs a call: {@link startCall} hands it these, once. @internal */
export interface CallControl<R> {
  progress(value: unknown): void;
  resolve(value: R): void;
  reject(error: CallError): void;
  /** Whether the call settled (then nothing above has any effect). */
  readonly settled: boolean;
}

/**
 * Makes a {@link Call} of `owner.slot`: `run` starts the work and returns
 * what stops it (called on cancel, abort or the deadline, before the call
 * rejects).
 *
 * @internal
 */
export function startCall<R>(
  owner: string,
  slot: string,
  options: CallOptions,
  run: (control: CallControl<R>) => (reason: CallError) => void,
): Call<R> {
  // Made when asked for: most calls report no progress, and a Signal is not free.
  let progress: Signal<[unknown]> | undefined;
  let settled = false;
  // Assigned once `run` started, after the closures below that call it are made.
  // eslint-disable-next-line prefer-const
  let stop: ((reason: CallError) => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolvePromise!: (value: R) => void;
  let rejectPromise!: (error: CallError) => void;
  const promise = new Promise<R>((resolve, reject) => {
    resolvePromise = resolve;
    rejectPromise = reject;
  });
  const { signal } = options;
  const finish = (): void => {
    settled = true;
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  };
  const control: CallControl<R> = {
    progress: (value) => {
      if (!settled) progress?.emit(value);
    },
    resolve: (value) => {
      if (settled) return;
      finish();
      resolvePromise(value);
    },
    reject: (error) => {
      if (settled) return;
      finish();
      rejectPromise(error);
    },
    get settled() {
      return settled;
    },
  };
  const end = (error: CallError): void => {
    if (settled) return;
    finish();
    stop?.(error);
    rejectPromise(error);
  };
  const cancel = (reason?: unknown): void =>
    end(
      new CallError(
        "aborted",
        owner,
        slot,
        `The call of ${owner}.${slot} was cancelled.`,
        undefined,
        {
          cause: reason,
        },
      ),
    );
  const onAbort = (): void => cancel(signal?.reason);
  const call = Object.defineProperties(promise, {
    progress: { get: () => (progress ??= new Signal<[unknown]>({ name: "progress" })) },
    cancel: { value: cancel },
  }) as Call<R>;
  if (signal?.aborted) {
    cancel(signal.reason);
    return call;
  }
  signal?.addEventListener("abort", onAbort, { once: true });
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (Number.isFinite(timeoutMs)) {
    timer = setTimeout(
      () =>
        end(
          new CallError(
            "timeout",
            owner,
            slot,
            `${owner}.${slot} did not answer within ${timeoutMs} ms.`,
          ),
        ),
      timeoutMs,
    );
  }
  stop = run(control);
  return call;
}

/** A call that failed before it started. @internal */
export function failedCall<R>(error: CallError): Call<R> {
  return startCall<R>(error.owner, error.slot, {}, (control) => {
    control.reject(error);
    return () => undefined;
  });
}

/** The remote form of what a slot threw. @internal */
export function remoteInfo(error: unknown): RemoteErrorInfo {
  if (error instanceof Error) {
    const info = { name: error.name, message: error.message };
    return error.stack === undefined ? info : { ...info, stack: error.stack };
  }
  return { name: "Error", message: String(error) };
}

/** The {@link CallError} for `error`, thrown by `owner.slot` here. @internal */
export function thrownBy(owner: string, slot: string, error: unknown): CallError {
  if (error instanceof CallError) return error;
  const remote = remoteInfo(error);
  return new CallError("remote", owner, slot, `${owner}.${slot} threw: ${remote.message}`, remote, {
    cause: error,
  });
}

/**
 * Runs `invoke` (the slot, called with its arguments) as a call here, at
 * once: its value, promise or async generator (each `yield` a progress
 * value, the `return` the result) settles the call.
 *
 * @internal
 */
export function callHere<R>(
  owner: string,
  slot: string,
  invoke: () => unknown,
  options: CallOptions,
): Call<R> {
  return startCall<R>(owner, slot, options, (control) => {
    let result: unknown;
    try {
      // Now, like a method call: a generator's first value still reaches `progress`,
      // which the caller connects before the generator's first step resolves.
      result = invoke();
    } catch (error) {
      control.reject(thrownBy(owner, slot, error));
      return () => undefined;
    }
    const fail = (error: unknown): void => control.reject(thrownBy(owner, slot, error));
    if (!isAsyncGenerator(result)) {
      Promise.resolve(result).then((value) => control.resolve(value as R), fail);
      return () => undefined;
    }
    const generator = result;
    void (async () => {
      for (;;) {
        const step = await generator.next();
        if (step.done === true) return control.resolve(step.value as R);
        control.progress(step.value);
        if (control.settled) return;
      }
    })().catch(fail);
    return () => {
      // Runs the generator's `finally`; what it throws is the slot's business.
      generator.return(undefined).catch(() => undefined);
    };
  });
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator<unknown, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AsyncGenerator).next === "function" &&
    typeof (value as AsyncGenerator).return === "function" &&
    Symbol.asyncIterator in value
  );
}
