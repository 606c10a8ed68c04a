import { EmitError } from "./emit-error.js";
import type { Relay, SlotHandle } from "./hooks.js";
import { connectHook, deliverHook, liveHook, registerHook, relayHook } from "./hooks.js";
import type { Link } from "./links.js";
import { LinkStore, receiverOf } from "./links.js";

/**
 * What a signal does when one of its own slots emits it again:
 * - `"immediate"` (default): the nested emission runs at once, depth-first;
 *   slots later in the outer emission then see the older value after the newer.
 * - `"queued"`: the nested emission waits until the current one has reached
 *   every slot, then runs; every slot sees the values in emission order.
 * - `"latest-only"`: the current emission stops, and the newest value is
 *   delivered to every slot; no slot sees a stale value after a newer one.
 */
export type Reemission = "immediate" | "queued" | "latest-only";

/** Called with the rejection of an async slot that {@link Signal.emit} did not await. */
export type SlotErrorHandler = (error: unknown, info: SlotErrorInfo) => void;

/** Where a {@link SlotErrorHandler}'s error came from. */
export interface SlotErrorInfo {
  /** The emitting signal. */
  readonly signal: AnySignal;
  /** The slot whose promise rejected. */
  readonly slot: (...args: never[]) => unknown;
}

/** Options of the {@link Signal} constructor. */
export interface SignalOptions {
  /** Shown in errors; the registry sets it to the field name when unset. */
  name?: string;
  /** See {@link Reemission}. Default `"immediate"`. */
  reemission?: Reemission;
  /**
   * Receives rejections of async slots. Without it, a registered signal
   * reports to its registry, and any other signal to `console.error`.
   */
  onError?: SlotErrorHandler;
}

/** Options of {@link Signal.connect}. */
export interface ConnectOptions {
  /** Disconnect after the first call. */
  once?: boolean;
  /** `this` inside the slot; also makes it the connection's receiver. */
  thisArg?: unknown;
  /**
   * When the same slot (with the same `thisArg`) is already connected: `true`
   * keeps the one connection, `"raise"` throws. Default: connect it again.
   */
  unique?: boolean | "raise";
  /** Higher is called first; equal priorities keep connection order. Default 0. */
  priority?: number;
  /** Call the slot with at most this many arguments (for slots with optional parameters). */
  maxArgs?: number;
  /** The object this connection belongs to, for {@link disconnectReceiver}. */
  receiver?: object;
}

/** Options of {@link Signal.next}. */
export interface NextOptions {
  /** Rejects with the abort reason when aborted. */
  signal?: AbortSignal;
  /** Rejects with a `TimeoutError` `DOMException` after this many milliseconds. */
  timeoutMs?: number;
}

/**
 * The first `N` elements of tuple `T` (all of `T` when `N` is not a literal).
 *
 * @internal
 */
export type Take<
  T extends unknown[],
  N extends number,
  Acc extends unknown[] = [],
> = number extends N
  ? T
  : Acc["length"] extends N
    ? Acc
    : T extends readonly []
      ? Acc
      : T extends [infer Head, ...infer Rest]
        ? Take<Rest, N, [...Acc, Head]>
        : number extends T["length"]
          ? [...Acc, ...T]
          : T extends [(infer Head)?, ...infer Rest]
            ? Take<Rest, N, [...Acc, Head?]>
            : Acc;

/**
 * A signal of any payload: what a look-up by name returns, since names are only
 * known at run time (see `SignalMap` for typed look-ups).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- unknown[] would reject every typed slot
export type AnySignal = Signal<any[]>;

/** A brand shared by every copy of this package, so {@link isSignal} works across them. @internal */
const BRAND = Symbol.for("@sunflare/signal");

// Bits of Signal#flags; any set bit sends emit off the fast path.
const BLOCKED = 1;
const PAUSED = 2;
const POLICY = 4;
const SPECIAL = 8;
const WAITING = 16;

const POLICIES: readonly Reemission[] = ["immediate", "queued", "latest-only"];

/** The signal whose slots are running right now (innermost). @internal */
let current: AnySignal | undefined;

interface Waiter<Args> {
  resolve(args: Args): void;
  reject(error: Error): void;
}

/**
 * A typed, synchronous signal: slots connected to it are called, in order, each
 * time it is emitted. The payload types flow into {@link Signal.connect} and
 * {@link Signal.emit}, so a mismatched slot or emit does not compile.
 *
 * A slot that throws never stops the others: every slot runs, then `emit`
 * throws an {@link EmitError} carrying every error. Connecting or disconnecting
 * while an emission runs takes effect on the next emission.
 *
 * @typeParam Args - the payload, as a tuple: `Signal<[x: number, y: number]>`
 * @example
 * ```ts
 * class Stage {
 *   sigMoved = new Signal<[x: number, y: number]>();
 * }
 * const stage = new Stage();
 * stage.sigMoved.connect((x, y) => console.log(x, y));
 * stage.sigMoved.emit(1, 2); // 1 2
 * ```
 */
export class Signal<Args extends unknown[] = []> {
  static {
    Object.defineProperty(Signal.prototype, BRAND, { value: true });
  }

  readonly #store: LinkStore;
  #flags = 0;
  #name: string | undefined;
  #owner: string | undefined;
  readonly #policy: Reemission;
  readonly #onError: SlotErrorHandler | undefined;
  #fallbackHandler: SlotErrorHandler | undefined;
  /** Emissions running on the slow path (for the re-emission policy). */
  #depth = 0;
  #queue: Args[] = [];
  #latest: Args | undefined;
  #buffer: Args[] = [];
  readonly #waiters = new Set<Waiter<Args>>();
  /** Forwards each emission elsewhere after the local slots (set by a bus member). */
  #remote: Relay | undefined;
  #listening = false;

  /** @param options see {@link SignalOptions} */
  constructor(options: SignalOptions = {}) {
    const policy = options.reemission ?? "immediate";
    if (!POLICIES.includes(policy)) {
      throw new TypeError(
        `Unknown reemission policy ${String(policy)}; use one of ${POLICIES.join(", ")}.`,
      );
    }
    this.#policy = policy;
    this.#name = options.name;
    this.#onError = options.onError;
    this.#store = new LinkStore(() => this.#refresh());
    this.#refresh();
  }

  /** The signal's name: from the constructor, or the field it was registered under. */
  get name(): string | undefined {
    return this.#name;
  }

  /** The registry name of the owner this signal was registered with, if any. */
  get owner(): string | undefined {
    return this.#owner;
  }

  /** The re-emission policy chosen at construction. */
  get reemission(): Reemission {
    return this.#policy;
  }

  /** The number of connections. */
  get size(): number {
    return this.#store.size;
  }

  /** Whether emissions are currently dropped (see {@link Signal.block}). */
  get blocked(): boolean {
    return (this.#flags & BLOCKED) !== 0;
  }

  /** Whether emissions are currently buffered (see {@link Signal.pause}). */
  get paused(): boolean {
    return (this.#flags & PAUSED) !== 0;
  }

  /**
   * Connects `slot`, to be called on every emission, and returns it (so a
   * connect can wrap a function definition).
   *
   * With `maxArgs`, the slot only needs to accept the first `maxArgs` arguments.
   *
   * @throws TypeError when `slot` is not a function, or with `unique: "raise"`
   *   when it is already connected
   */
  connect<const N extends number, F extends (...args: Take<Args, N>) => unknown>(
    slot: F,
    options: ConnectOptions & { maxArgs: N },
  ): F;
  connect<F extends (...args: Args) => unknown>(
    slot: F,
    options?: ConnectOptions & { maxArgs?: undefined },
  ): F;
  connect(
    slot: (...args: never[]) => unknown,
    options?: ConnectOptions,
  ): (...args: never[]) => unknown {
    this.#connect(slot, options);
    return slot;
  }

  /**
   * Disconnects every connection of `slot`, or every slot when called without
   * an argument.
   *
   * @returns whether anything was disconnected
   */
  disconnect(slot?: (...args: Args) => unknown): boolean {
    return this.#store.removeSlot(slot);
  }

  /** Whether `slot` is connected. */
  isConnected(slot: (...args: never[]) => unknown): boolean {
    return this.#store.has(slot);
  }

  /**
   * Calls every connected slot with `args`, synchronously.
   *
   * A slot that returns a promise is not awaited; if it rejects, the rejection
   * goes to the error handler (see {@link SignalOptions.onError}).
   *
   * @throws EmitError after all slots ran, when any of them threw
   */
  emit(...args: Args): void {
    if (this.#flags !== 0) {
      const errors = this.#emitSlow(args, undefined);
      if (errors !== undefined) throw new EmitError(errors, this.#name);
      return;
    }
    // The fast path: no option in use that changes how slots are called.
    const links = this.#store.snapshot;
    const outer = current;
    current = this as AnySignal;
    let errors: unknown[] | undefined;
    // One `try` around the whole loop keeps the loop tight; after a throw
    // the loop resumes at the next slot.
    let i = 0;
    for (;;) {
      try {
        for (; i < links.length; i++) {
          const link = links[i]!;
          const result: unknown = link.slot.apply(link.thisArg, args as unknown as never[]);
          if (result !== undefined && isThenable(result)) this.#watch(result, link);
        }
        break;
      } catch (error) {
        (errors ??= []).push(error);
        i++;
      }
    }
    current = outer;
    if (this.#remote !== undefined) errors = this.#forward(args, errors);
    if (errors !== undefined) throw new EmitError(errors, this.#name);
  }

  /** Hands an emission to {@link #remote}; what it throws (an unencodable argument) joins `errors`. */
  #forward(args: Args, errors: unknown[] | undefined): unknown[] | undefined {
    try {
      this.#remote!(args);
    } catch (error) {
      (errors ??= []).push(error);
    }
    return errors;
  }

  /**
   * Like {@link Signal.emit}, but waits for every slot's promise, and rejects
   * with one {@link EmitError} carrying every thrown error and rejection.
   * Blocking, pausing and the re-emission policy apply as for `emit`; an
   * emission they drop, buffer or queue resolves at once (what a queued one
   * throws surfaces from the emission that runs it).
   */
  async emitAsync(...args: Args): Promise<void> {
    const pending: PromiseLike<unknown>[] = [];
    const errors = this.#emitSlow(args, pending) ?? [];
    const settled = await Promise.allSettled(pending);
    for (const outcome of settled) if (outcome.status === "rejected") errors.push(outcome.reason);
    if (errors.length > 0) throw new EmitError(errors, this.#name);
  }

  /** Drops every emission until {@link Signal.unblock}. */
  block(): void {
    this.#flags |= BLOCKED;
  }

  /** Ends {@link Signal.block}. */
  unblock(): void {
    this.#flags &= ~BLOCKED;
  }

  /** Buffers every emission until {@link Signal.resume}. */
  pause(): void {
    this.#flags |= PAUSED;
  }

  /**
   * Ends {@link Signal.pause} and delivers what was buffered: every emission in
   * order, or, with a `reducer`, one emission folding them all.
   *
   * @param reducer folds the buffered payloads, oldest first
   * @throws EmitError with the errors of every replayed emission
   * @example
   * ```ts
   * signal.pause();
   * signal.emit(1);
   * signal.emit(2);
   * signal.resume(([a], [b]) => [a + b]); // slots see 3, once
   * ```
   */
  resume(reducer?: (accumulated: Args, next: Args) => Args): void {
    if (!this.paused) return;
    this.#flags &= ~PAUSED;
    const buffer = this.#buffer;
    this.#buffer = [];
    if (buffer.length === 0) return;
    const batches = reducer === undefined ? buffer : [buffer.reduce(reducer)];
    const errors: unknown[] = [];
    for (const args of batches) {
      try {
        this.emit(...args);
      } catch (error) {
        if (error instanceof EmitError) errors.push(...(error.errors as unknown[]));
        else errors.push(error);
      }
    }
    if (errors.length > 0) throw new EmitError(errors, this.#name);
  }

  /**
   * Resolves with the payload of the next emission that reaches the slots.
   *
   * @example
   * ```ts
   * const [x] = await stage.sigMoved.next({ timeoutMs: 1000 });
   * ```
   */
  next(options: NextOptions = {}): Promise<Args> {
    const { signal, timeoutMs } = options;
    return new Promise<Args>((resolve, reject) => {
      if (signal?.aborted) {
        // The caller's abort reason, as it is (like fetch does).
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(signal.reason);
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        finish();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(signal?.reason);
      };
      const finish = (): void => {
        this.#waiters.delete(waiter);
        this.#refresh();
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter<Args> = {
        resolve: (args) => {
          finish();
          resolve(args);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          finish();
          const what = this.#name === undefined ? "signal" : `signal ${this.#name}`;
          reject(
            new DOMException(`No emission of ${what} within ${timeoutMs} ms.`, "TimeoutError"),
          );
        }, timeoutMs);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
      this.#refresh();
    });
  }

  /**
   * Rejects every pending {@link Signal.next} with `error`. For subclasses:
   * a stand-in whose owner is gone, or whose bus closed, will never emit
   * again, so nobody may wait for it.
   */
  protected rejectWaiters(error: Error): void {
    for (const waiter of [...this.#waiters]) waiter.reject(error);
  }

  /**
   * Called when the signal gains its first, or loses its last, slot or
   * {@link Signal.next} waiter. For subclasses: a bus member's stand-in for a
   * signal owned elsewhere subscribes to its owner's emissions only while
   * somebody here listens.
   */
  protected onListening(_listening: boolean): void {
    // A plain signal does not care who listens.
  }

  /**
   * When a connection to this signal is live, or `undefined` for at once.
   * For subclasses: a stand-in is live once its owner's emissions reach here.
   */
  protected whenLive(): Promise<void> | undefined {
    return undefined;
  }

  /** @internal see `hooks.ts` */
  [connectHook](slot: (...args: never[]) => unknown, options?: ConnectOptions): SlotHandle {
    const link = this.#connect(slot, options);
    return {
      get connected() {
        return link.active;
      },
      disconnect: () => link.store.remove(link),
    };
  }

  /** @internal see `hooks.ts` */
  [registerHook](
    owner: string | undefined,
    name: string | undefined,
    onError: SlotErrorHandler | undefined,
  ): void {
    this.#owner = owner;
    if (name !== undefined) this.#name ??= name;
    this.#fallbackHandler = onError;
  }

  /** @internal see `hooks.ts` */
  [relayHook](forward: Relay | undefined): void {
    this.#remote = forward;
  }

  /** @internal see `hooks.ts` */
  [deliverHook](args: unknown[]): void {
    const errors = this.#emitSlow(args as Args, undefined, false);
    if (errors !== undefined) throw new EmitError(errors, this.#name);
  }

  /** @internal see `hooks.ts` */
  [liveHook](): Promise<void> | undefined {
    return this.whenLive();
  }

  #connect(slot: (...args: never[]) => unknown, options: ConnectOptions = {}): Link {
    if (typeof slot !== "function") {
      throw new TypeError(
        `A slot must be a function, got ${slot === null ? "null" : typeof slot}.`,
      );
    }
    const { thisArg, unique, maxArgs = Infinity, priority = 0 } = options;
    if (!(maxArgs >= 0))
      throw new RangeError(`maxArgs must be a non-negative number, got ${maxArgs}.`);
    if (unique !== undefined && unique !== false) {
      const existing = this.#store.snapshot.find(
        (link) => link.slot === slot && link.thisArg === thisArg,
      );
      if (existing !== undefined) {
        if (unique === "raise") {
          throw new TypeError(
            `Slot ${slot.name || "(anonymous)"} is already connected to ${this.#label()}.`,
          );
        }
        return existing;
      }
    }
    const link: Link = {
      slot,
      thisArg,
      once: options.once === true,
      priority,
      maxArgs,
      receiver: receiverOf(slot, thisArg, options.receiver),
      store: this.#store,
      active: true,
      fired: false,
    };
    this.#store.add(link);
    return link;
  }

  #refresh(): void {
    let flags = this.#flags & (BLOCKED | PAUSED);
    if (this.#policy !== "immediate") flags |= POLICY;
    if (this.#store.special !== 0) flags |= SPECIAL;
    if (this.#waiters.size !== 0) flags |= WAITING;
    this.#flags = flags;
    const listening = this.#store.size !== 0 || this.#waiters.size !== 0;
    if (listening !== this.#listening) {
      this.#listening = listening;
      this.onListening(listening);
    }
  }

  /**
   * Emission with any option in use; returns the errors, if any. `forward`:
   * also hand it to {@link #remote} (not for an emission that came from there).
   */
  #emitSlow(
    args: Args,
    pending: PromiseLike<unknown>[] | undefined,
    forward = true,
  ): unknown[] | undefined {
    if ((this.#flags & BLOCKED) !== 0) return undefined;
    if ((this.#flags & PAUSED) !== 0) {
      this.#buffer.push(args);
      return undefined;
    }
    if (this.#depth > 0 && this.#policy === "queued") {
      this.#queue.push(args);
      return undefined;
    }
    if (this.#depth > 0 && this.#policy === "latest-only") {
      this.#latest = args;
      return undefined;
    }
    let errors: unknown[] | undefined;
    let next: Args | undefined = args;
    while (next !== undefined) {
      errors = this.#run(next, pending, errors);
      if (forward && this.#remote !== undefined) errors = this.#forward(next, errors);
      next = this.#policy === "queued" ? this.#queue.shift() : this.#takeLatest();
    }
    return errors;
  }

  #takeLatest(): Args | undefined {
    const latest = this.#latest;
    this.#latest = undefined;
    return latest;
  }

  /** One pass over the slots, with every option honoured. */
  #run(
    args: Args,
    pending: PromiseLike<unknown>[] | undefined,
    errors: unknown[] | undefined,
  ): unknown[] | undefined {
    if (this.#waiters.size !== 0) for (const waiter of [...this.#waiters]) waiter.resolve(args);
    const links = this.#store.snapshot;
    const outer = current;
    current = this as AnySignal;
    this.#depth++;
    try {
      for (const link of links) {
        if (link.once) {
          if (link.fired) continue;
          link.fired = true;
          this.#store.remove(link);
        }
        try {
          const payload = link.maxArgs < args.length ? args.slice(0, link.maxArgs) : args;
          const result: unknown = link.slot.apply(link.thisArg, payload as never[]);
          if (result !== undefined && isThenable(result)) {
            if (pending === undefined) this.#watch(result, link);
            else pending.push(result);
          }
        } catch (error) {
          (errors ??= []).push(error);
        }
        if (this.#latest !== undefined) break;
      }
    } finally {
      this.#depth--;
      current = outer;
    }
    return errors;
  }

  #watch(promise: PromiseLike<unknown>, link: Link): void {
    promise.then(undefined, (error: unknown) => this.#report(error, link));
  }

  #report(error: unknown, link: Link): void {
    const handler = this.#onError ?? this.#fallbackHandler;
    const info: SlotErrorInfo = { signal: this as AnySignal, slot: link.slot };
    if (handler !== undefined) {
      try {
        handler(error, info);
        return;
      } catch (handlerError) {
        console.error(`The error handler of ${this.#label()} threw:`, handlerError);
      }
    }
    console.error(`An async slot of ${this.#label()} rejected:`, error);
  }

  #label(): string {
    const name = this.#owner === undefined ? this.#name : `${this.#owner}.${this.#name ?? "?"}`;
    return name === undefined ? "a signal" : `signal ${name}`;
  }
}

/** @internal */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Whether `value` is a {@link Signal}, including one made by another installed
 * copy of this package (where `instanceof` would say no).
 */
export function isSignal(value: unknown): value is Signal<unknown[]> {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

/**
 * Inside a slot, the signal that is calling it (the innermost one when
 * emissions nest); `undefined` outside any emission. Like Qt's `sender()`:
 * {@link Signal.name} and {@link Signal.owner} say which signal of which plugin.
 * Only valid in the synchronous part of a slot.
 *
 * @example
 * ```ts
 * const log = () => console.log(`${sender()?.owner}.${sender()?.name}`);
 * ```
 */
export function sender(): Signal<unknown[]> | undefined {
  return current as Signal<unknown[]> | undefined;
}
