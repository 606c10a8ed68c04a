import type { SlotDecorator } from "../src/index.js";
import { isSlot, slot } from "../src/index.js";

class Receiver {
  @slot
  onValue(x: number): string {
    return x.toFixed();
  }

  @slot({ private: true })
  onInternal(): void {}

  @slot({})
  onDefault(): void {}
}

// Decorating keeps the method's type.
const receiver = new Receiver();
const text: string = receiver.onValue(1);
// @ts-expect-error the decorated method keeps its parameter types
receiver.onValue("1");

// The function form returns the function, typed as given.
const add = slot((a: number, b: number) => a + b);
const sum: number = add(1, 2);
// @ts-expect-error the marked function keeps its parameter types
add("1", 2);
slot(() => undefined, { private: true });
// @ts-expect-error unknown option
slot(() => undefined, { public: true });
// @ts-expect-error private is a boolean
const bad: SlotDecorator = slot({ private: "yes" });

const checked: boolean = isSlot(receiver.onValue);
export { bad, checked, sum, text };
