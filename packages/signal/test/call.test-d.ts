import type { Call, Property } from "@sunflare/signal";
import { SignalRegistry } from "@sunflare/signal";

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

// What a plugin package writes to make calls of its slots and look-ups of its properties typed.
declare module "@sunflare/signal" {
  interface SlotMap {
    TypedStage: {
      moveTo(x: number, y: number): AsyncGenerator<[number, number], [number, number]>;
      home(): Promise<"home">;
      speed(): number;
    };
  }
  interface PropertyMap {
    TypedStage: { position: Property<[number, number]> };
  }
}

const registry = new SignalRegistry();

// A generator's return, a promise's value and a plain value are what the call resolves with.
const _move = registry.call("TypedStage", "moveTo", [1, 2]);
assertType<Equal<typeof _move, Call<[number, number]>>>(true);
const _home = registry.call("TypedStage", "home", []);
assertType<Equal<typeof _home, Call<"home">>>(true);
const _speed = registry.call("TypedStage", "speed");
assertType<Equal<typeof _speed, Call<number>>>(true);
// @ts-expect-error wrong arguments for a typed slot
void registry.call("TypedStage", "moveTo", ["one", 2]);
// @ts-expect-error no such slot on a typed owner
void registry.call("TypedStage", "fly", []);

// Typed properties.
const position = registry.properties("TypedStage").position;
assertType<Equal<typeof position.value, [number, number]>>(true);
// @ts-expect-error a wrong value for a typed property
void position.set([1, "2"]);

// Unknown names fall back to untyped calls and properties.
const _untyped = registry.call("Somebody", "anything", [1, "two"]);
assertType<Equal<typeof _untyped, Call<unknown>>>(true);
void registry.properties("Somebody").anything?.set({ any: "value" });
