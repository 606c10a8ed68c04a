import { Signal } from "../src/index.js";

describe("connect options", () => {
  describe("unique", () => {
    it("calls a slot connected twice once with unique: true", () => {
      const signal = new Signal<[number]>();
      const seen: number[] = [];
      const slot = (x: number): number => seen.push(x);
      signal.connect(slot, { unique: true });
      signal.connect(slot, { unique: true });
      signal.emit(1);
      expect(seen).toEqual([1]);
      expect(signal.size).toBe(1);
    });

    it("checks an earlier non-unique connection too", () => {
      const signal = new Signal();
      let count = 0;
      const slot = (): number => count++;
      signal.connect(slot);
      signal.connect(slot, { unique: true });
      signal.emit();
      expect(count).toBe(1);
    });

    it("throws on a second connect with unique: 'raise', keeping the first", () => {
      const signal = new Signal<[number]>({ name: "sigValue" });
      function onValue(): void {}
      signal.connect(onValue);
      expect(() => signal.connect(onValue, { unique: "raise" })).toThrow(
        "Slot onValue is already connected to signal sigValue.",
      );
      expect(signal.size).toBe(1);
    });

    it("treats the same slot with another thisArg as a different connection", () => {
      const signal = new Signal();
      const calls: unknown[] = [];
      function slot(this: unknown): void {
        calls.push(this);
      }
      const a = {};
      const b = {};
      signal.connect(slot, { unique: "raise", thisArg: a });
      signal.connect(slot, { unique: "raise", thisArg: b });
      signal.emit();
      expect(calls).toEqual([a, b]);
    });

    it("connects again by default", () => {
      const signal = new Signal();
      let count = 0;
      const slot = (): number => count++;
      signal.connect(slot);
      signal.connect(slot);
      signal.emit();
      expect(count).toBe(2);
    });
  });

  describe("priority", () => {
    it("calls higher priorities first, connection order among equals", () => {
      const signal = new Signal();
      const seen: string[] = [];
      signal.connect(() => seen.push("a0"));
      signal.connect(() => seen.push("b5"), { priority: 5 });
      signal.connect(() => seen.push("c0"));
      signal.connect(() => seen.push("d-1"), { priority: -1 });
      signal.connect(() => seen.push("e5"), { priority: 5 });
      signal.connect(() => seen.push("f1"), { priority: 1 });
      signal.emit();
      expect(seen).toEqual(["b5", "e5", "f1", "a0", "c0", "d-1"]);
    });

    it("keeps the order after a disconnect", () => {
      const signal = new Signal();
      const seen: string[] = [];
      const b = (): number => seen.push("b");
      signal.connect(() => seen.push("a"), { priority: 1 });
      signal.connect(b, { priority: 2 });
      signal.connect(() => seen.push("c"), { priority: 3 });
      signal.disconnect(b);
      signal.emit();
      expect(seen).toEqual(["c", "a"]);
    });
  });

  describe("maxArgs", () => {
    it("calls the slot with at most maxArgs arguments", () => {
      const signal = new Signal<[number, string, boolean]>();
      const received: unknown[][] = [];
      signal.connect((...args: unknown[]) => received.push(args), { maxArgs: 1 });
      signal.connect((...args: unknown[]) => received.push(args), { maxArgs: 0 });
      signal.connect((...args: unknown[]) => received.push(args), { maxArgs: 5 });
      signal.emit(1, "a", true);
      expect(received).toEqual([[1], [], [1, "a", true]]);
    });

    it("protects a slot with optional parameters from extra arguments", () => {
      const signal = new Signal<[number, number]>();
      const parsed: number[] = [];
      const parse = (text: number, radix?: number): number =>
        parsed.push(parseInt(String(text), radix));
      signal.connect(parse, { maxArgs: 1 });
      signal.emit(10, 2);
      expect(parsed).toEqual([10]);
    });

    it("rejects a negative or non-numeric maxArgs", () => {
      const signal = new Signal<[number]>();
      expect(() => signal.connect(() => {}, { maxArgs: -1 })).toThrow(RangeError);
      expect(() => signal.connect(() => {}, { maxArgs: Number.NaN })).toThrow(RangeError);
    });
  });
});
