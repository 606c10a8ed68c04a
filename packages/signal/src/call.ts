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

/** What runs a call: {@link openCall} hands it these, once. @internal */
export interface CallControl<R> {
  progress(value: unknown): void;
  resolve(value: R): void;
  reject(error: CallError): void;
  /** Whether the call settled (then nothing above has any effect). */
  readonly settled: boolean;
}

/** What stops the work of a call that is cancelled, aborted or past its deadline. @internal */
export interface CallStopper {
  stop(reason: CallError): void;
}

const STATE = Symbol("call state");

/** A {@link Call} and its {@link CallState}, which every hot path reaches without a closure. */
type CallWithState<R> = Call<R> & { [STATE]: CallState<R> };

// Filled by `capture`, which a Promise's executor runs synchronously: no closure per call.
let capturedResolve: (value: unknown) => void = () => undefined;
let capturedReject: (error: CallError) => void = () => undefined;
function capture(resolve: (value: unknown) => void, reject: (error: CallError) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/** Shared by every call: `progress` made when first asked for (most calls report none, and a Signal is not free). */
const CALL_PROPERTIES: PropertyDescriptorMap = {
  progress: {
    get(this: CallWithState<unknown>) {
      return (this[STATE].signal ??= new Signal<[unknown]>({ name: "progress" }));
    },
  },
};

function expire(
  state: { owner: string; slot: string; end(error: CallError): void },
  timeoutMs: number,
): void {
  const { owner, slot } = state;
  state.end(
    new CallError(
      "timeout",
      owner,
      slot,
      `${owner}.${slot} did not answer within ${timeoutMs} ms.`,
    ),
  );
}

/** One call's state: the only writer of whether and how it settled. @internal */
export class CallState<R> implements CallControl<R> {
  settled = false;
  signal: Signal<[unknown]> | undefined;
  /** Stops the work, when it ends before it answered. */
  stopper: CallStopper | undefined;
  readonly call: Call<R>;
  readonly #resolve: (value: R) => void;
  readonly #reject: (error: CallError) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #abort: { signal: AbortSignal; listener: () => void } | undefined;

  constructor(
    readonly owner: string,
    readonly slot: string,
    options: CallOptions,
  ) {
    const promise = new Promise<R>(capture as never) as CallWithState<R>;
    this.#resolve = capturedResolve;
    this.#reject = capturedReject;
    promise[STATE] = this;
    void Object.defineProperties(promise, CALL_PROPERTIES);
    (promise as { cancel: Call<R>["cancel"] }).cancel = (reason) => this.cancel(reason);
    this.call = promise;
    const { signal } = options;
    if (signal?.aborted === true) {
      this.cancel(signal.reason);
      return;
    }
    if (signal !== undefined) {
      const listener = (): void => this.cancel(signal.reason);
      signal.addEventListener("abort", listener, { once: true });
      this.#abort = { signal, listener };
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (Number.isFinite(timeoutMs)) this.#timer = setTimeout(expire, timeoutMs, this, timeoutMs);
  }

  progress(value: unknown): void {
    if (!this.settled) this.signal?.emit(value);
  }

  resolve(value: R): void {
    if (this.#finish()) this.#resolve(value);
  }

  reject(error: CallError): void {
    if (this.#finish()) this.#reject(error);
  }

  /** Ends the call from this side: its work stops, and it rejects with `error`. */
  end(error: CallError): void {
    if (!this.#finish()) return;
    this.stopper?.stop(error);
    this.#reject(error);
  }

  cancel(reason?: unknown): void {
    const { owner, slot } = this;
    const message = `The call of ${owner}.${slot} was cancelled.`;
    this.end(new CallError("aborted", owner, slot, message, undefined, { cause: reason }));
  }

  #finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#abort !== undefined) {
      this.#abort.signal.removeEventListener("abort", this.#abort.listener);
    }
    return true;
  }
}

/**
 * Opens a {@link Call} of `owner.slot`: the caller starts the work, settles
 * the returned state and sets its `stopper` (called on cancel, abort or the
 * deadline, before the call rejects). It may be settled already (an
 * `AbortSignal` aborted before).
 *
 * @internal
 */
export function openCall<R>(owner: string, slot: string, options: CallOptions): CallState<R> {
  return new CallState<R>(owner, slot, options);
}

/** A call that failed before it started. @internal */
export function failedCall<R>(error: CallError): Call<R> {
  const state = openCall<R>(error.owner, error.slot, {});
  state.reject(error);
  return state.call;
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
  const state = openCall<R>(owner, slot, options);
  if (state.settled) return state.call;
  let result: unknown;
  try {
    // Now, like a method call: a generator's first value still reaches `progress`,
    // which the caller connects before the generator's first step resolves.
    result = invoke();
  } catch (error) {
    state.reject(thrownBy(owner, slot, error));
    return state.call;
  }
  state.stopper = follow(owner, slot, result, state);
  return state.call;
}

const NOTHING_TO_STOP: CallStopper = { stop: () => undefined };

/**
 * Settles `control` with a slot's result: a value at once, a promise when it
 * settles, an async generator step by step (each `yield` a progress value,
 * the `return` the result). Returns what stops it early: a generator is
 * returned, so its `finally` runs.
 *
 * @internal
 */
export function follow<R>(
  owner: string,
  slot: string,
  result: unknown,
  control: CallControl<R>,
): CallStopper {
  if (isAsyncGenerator(result)) return followGenerator(owner, slot, result, control);
  if (isThenable(result)) {
    result.then(
      (value) => control.resolve(value as R),
      (error: unknown) => control.reject(thrownBy(owner, slot, error)),
    );
  } else control.resolve(result as R);
  return NOTHING_TO_STOP;
}

function followGenerator<R>(
  owner: string,
  slot: string,
  generator: AsyncGenerator<unknown, unknown>,
  control: CallControl<R>,
): CallStopper {
  void (async () => {
    for (;;) {
      const step = await generator.next();
      if (step.done === true) return control.resolve(step.value as R);
      control.progress(step.value);
      if (control.settled) return;
    }
  })().catch((error: unknown) => control.reject(thrownBy(owner, slot, error)));
  // Returning runs the generator's `finally`; what it throws is the slot's business.
  return { stop: () => void generator.return(undefined).catch(() => undefined) };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
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
