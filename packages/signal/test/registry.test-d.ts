import type { AnySignal, Connection, Signal } from "@sunflare/signal";
import { SignalRegistry } from "@sunflare/signal";

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

// What a plugin package writes to make look-ups of its signals typed.
declare module "@sunflare/signal" {
  interface SignalMap {
    TypedEmitter: { sigSender: Signal<[number]>; sigLabel: Signal<[text: string, index: number]> };
  }
}

const registry = new SignalRegistry();

// Typed look-up: x is inferred as number.
registry.signals("TypedEmitter").sigSender.connect((x) => {
  assertType<Equal<typeof x, number>>(true);
  return x.toFixed();
});
registry.signals("TypedEmitter").sigLabel.emit("a", 1);
// @ts-expect-error wrong payload for a typed signal
registry.signals("TypedEmitter").sigSender.emit("ten");
// @ts-expect-error wrong slot for a typed signal
registry.signals("TypedEmitter").sigSender.connect((x: string) => x);
// @ts-expect-error no such signal on a typed owner
void registry.signals("TypedEmitter").sigMissing;

// Unknown names fall back to untyped signals.
const untyped = registry.signals("Somebody");
assertType<Equal<typeof untyped, Readonly<Record<string, AnySignal>>>>(true);
untyped.anything?.connect((a: number, b: string) => [a, b]);
untyped.anything?.emit(1, "two", 3);

// connect by name is typed the same way.
const connection: Connection = registry.connect("TypedEmitter", "sigSender", (x) => {
  assertType<Equal<typeof x, number>>(true);
  return x;
});
registry.connect("TypedEmitter", "sigLabel", (text, index) => [text.length, index.toFixed()], {
  deferred: true,
});
// @ts-expect-error wrong slot for a typed signal
registry.connect("TypedEmitter", "sigSender", (x: string) => x);
// @ts-expect-error a typo in a typed owner's signal name
registry.connect("TypedEmitter", "sigSendr", (x: number) => x);
// @ts-expect-error deferred is a boolean
registry.connect("TypedEmitter", "sigSender", () => 0, { deferred: "yes" });
registry.connect("Somebody", "sigAnything", (a: number, b: string) => [a, b]);
// @ts-expect-error a slot must be a function
registry.connect("Somebody", "sigAnything", 42);
connection.disconnect();
assertType<Equal<typeof connection.connected, boolean>>(true);
