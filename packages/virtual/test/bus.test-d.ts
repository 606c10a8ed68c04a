// Type-level tests (type-checked by tsc, never run).
import type { Signal } from "../src/index.js";
import { VirtualBus } from "../src/index.js";

declare module "@sunflare/signal" {
  interface SignalMap {
    TypedEmitter: { sigValue: Signal<[number]> };
  }
}

const bus = new VirtualBus();

// Look-ups through the bus are typed by SignalMap.
bus.signals("TypedEmitter").sigValue.connect((x) => x.toFixed());
// @ts-expect-error the payload is a number
bus.signals("TypedEmitter").sigValue.connect((x: string) => x);
bus.connect("TypedEmitter", "sigValue", (x: number) => x);
// @ts-expect-error not a signal of TypedEmitter
bus.connect("TypedEmitter", "sigMissing", () => undefined);
// Unknown names stay untyped and allowed.
bus.signals("Unknown").anything?.connect(() => undefined);

// Publishers and subscribers come from the bus.
// @ts-expect-error topics are strings
bus.connectSubscriber(42);
void bus.connectPublisher().send("topic", { any: "value" });
