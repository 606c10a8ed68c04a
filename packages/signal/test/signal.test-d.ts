import type { AnySignal, Take } from "../src/index.js";
import { debounced, sender, Signal, throttled } from "../src/index.js";
import { SignalSpy } from "../src/testing/index.js";

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

const signal = new Signal<[x: number, label: string]>();

// Payload types flow into slots.
signal.connect((x, label) => {
  assertType<Equal<typeof x, number>>(true);
  assertType<Equal<typeof label, string>>(true);
  return [x, label];
});
// Fewer parameters are fine.
signal.connect((x) => x.toFixed());
signal.connect(() => undefined);
// connect returns the slot, typed as given.
const returned = signal.connect((x: number) => x * 2);
assertType<Equal<typeof returned, (x: number) => number>>(true);
returned(1);

// @ts-expect-error wrong parameter type
signal.connect((x: string) => x);
// @ts-expect-error too many required parameters
signal.connect((x: number, label: string, extra: boolean) => [x, label, extra]);

signal.emit(1, "one");
// @ts-expect-error wrong payload type
signal.emit("1", "one");
// @ts-expect-error missing argument
signal.emit(1);
// @ts-expect-error extra argument
signal.emit(1, "one", true);

const empty = new Signal();
empty.emit();
// @ts-expect-error a signal without payload takes no arguments
empty.emit(1);

// maxArgs: the slot only needs to accept the first N arguments.
signal.connect((x: number, radix?: boolean) => [x, radix], { maxArgs: 1 });
// @ts-expect-error without maxArgs, the optional second parameter must match the payload
signal.connect((x: number, radix?: boolean) => [x, radix]);
// @ts-expect-error with maxArgs: 1, a slot cannot require a second parameter
signal.connect((x: number, label: string) => [x, label], { maxArgs: 1 });
// @ts-expect-error maxArgs does not relax the types of the arguments it passes
signal.connect((x: string) => x, { maxArgs: 1 });
signal.connect((x: number, label: string) => [x, label], { maxArgs: 2 });
signal.connect(() => 0, { maxArgs: 0 });
assertType<Equal<Take<[number, string, boolean], 2>, [number, string]>>(true);
assertType<Equal<Take<[number, string], 5>, [number, string]>>(true);
assertType<Equal<Take<[number, string], number>, [number, string]>>(true);
assertType<Equal<Take<[number, ...string[]], 3>, [number, ...string[]]>>(true);

// The other options are typed too.
signal.connect(() => 0, { unique: "raise", priority: 2, once: true, thisArg: {}, receiver: {} });
// @ts-expect-error unique is a boolean or "raise"
signal.connect(() => 0, { unique: "sometimes" });
// @ts-expect-error priority is a number
signal.connect(() => 0, { priority: "high" });
// @ts-expect-error unknown re-emission policy
new Signal({ reemission: "later" });

// disconnect and next are typed by the payload.
signal.disconnect((x: number) => x);
// @ts-expect-error not a slot of this signal
signal.disconnect((x: boolean) => x);
void signal.next().then(([x, label]) => {
  assertType<Equal<typeof x, number>>(true);
  assertType<Equal<typeof label, string>>(true);
  return [x, label];
});
void signal.emitAsync(1, "one");
// @ts-expect-error emitAsync is typed like emit
void signal.emitAsync(1);
signal.resume(([a, la], [b, lb]) => [a + b, la + lb]);
// @ts-expect-error the reducer must return a payload
signal.resume(([a], [b]) => [a + b]);

// Any typed signal is usable where an untyped one is expected.
const anySignal: AnySignal = signal;
const unknownSignal: Signal<unknown[]> = signal;
void [anySignal, unknownSignal];

// Rate-limited slots keep the slot's parameter types.
const throttledSlot = signal.connect(throttled((x: number, label: string) => [x, label], 100));
throttledSlot.cancel();
throttledSlot(1, "one");
// @ts-expect-error a rate-limited slot is called like the original
throttledSlot("one");
// @ts-expect-error a rate-limited slot must match the signal like any slot
signal.connect(debounced((x: string) => x, 100));
// @ts-expect-error leading is a boolean
throttled(() => 0, 10, { leading: "yes" });

// SignalSpy records typed payloads.
const spy = new SignalSpy(signal);
const calls: readonly [x: number, label: string][] = spy.calls;
void spy.wait({ timeoutMs: 10, count: 2 }).then(([x]) => x.toFixed());
// @ts-expect-error the recorded payloads are typed
const wrong: readonly [string][] = spy.calls;
void [calls, wrong];

// sender() is an untyped signal, or undefined outside an emission.
const current = sender();
// @ts-expect-error may be undefined
current.emit();
current?.emit(1, "anything");
