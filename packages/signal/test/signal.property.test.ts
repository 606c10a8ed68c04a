import fc from "fast-check";

import { Signal } from "../src/index.js";

type Op =
  | { kind: "connect"; id: number; priority: number; once: boolean }
  | { kind: "disconnect"; id: number }
  | { kind: "emit"; value: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("connect" as const),
    id: fc.integer({ min: 0, max: 5 }),
    priority: fc.integer({ min: -2, max: 2 }),
    once: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("disconnect" as const), id: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("emit" as const), value: fc.integer() }),
);

describe("Signal against a model", () => {
  it("calls exactly the connected slots, by priority then connection order", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const signal = new Signal<[number]>();
        const slots = Array.from(
          { length: 6 },
          (_, id) => (value: number) => calls.push([id, value]),
        );
        const calls: [number, number][] = [];
        // The model: a list of connections, kept in call order.
        let model: { id: number; priority: number; once: boolean; seq: number }[] = [];
        let seq = 0;
        for (const step of ops) {
          if (step.kind === "connect") {
            signal.connect(slots[step.id]!, { priority: step.priority, once: step.once });
            model.push({ id: step.id, priority: step.priority, once: step.once, seq: seq++ });
            model.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
          } else if (step.kind === "disconnect") {
            const had = model.some((c) => c.id === step.id);
            expect(signal.disconnect(slots[step.id])).toBe(had);
            model = model.filter((c) => c.id !== step.id);
          } else {
            calls.length = 0;
            signal.emit(step.value);
            expect(calls).toEqual(model.map((c) => [c.id, step.value]));
            model = model.filter((c) => !c.once);
          }
          expect(signal.size).toBe(model.length);
        }
      }),
    );
  });
});
