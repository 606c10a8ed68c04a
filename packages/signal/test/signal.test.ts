import { EmitError, isSignal, Signal } from "../src/index.js";
import type * as SignalModule from "../src/signal.js";

describe("Signal", () => {
  it("calls connected slots with the payload, in connection order", () => {
    const signal = new Signal<[number, string]>();
    const calls: string[] = [];
    signal.connect((n, s) => calls.push(`a${n}${s}`));
    signal.connect((n, s) => calls.push(`b${n}${s}`));
    signal.emit(1, "x");
    signal.emit(2, "y");
    expect(calls).toEqual(["a1x", "b1x", "a2y", "b2y"]);
  });

  it("returns the slot from connect", () => {
    const signal = new Signal<[number]>();
    const slot = (_: number): void => {};
    expect(signal.connect(slot)).toBe(slot);
  });

  it("emits with no slots and with no payload", () => {
    const signal = new Signal();
    expect(() => signal.emit()).not.toThrow();
    let count = 0;
    signal.connect(() => count++);
    signal.emit();
    expect(count).toBe(1);
  });

  it("counts connections and answers isConnected", () => {
    const signal = new Signal<[number]>();
    const a = (): void => {};
    const b = (): void => {};
    expect(signal.size).toBe(0);
    signal.connect(a);
    signal.connect(b);
    signal.connect(a);
    expect(signal.size).toBe(3);
    expect(signal.isConnected(a)).toBe(true);
    expect(signal.isConnected(() => {})).toBe(false);
  });

  it("disconnects one slot (every connection of it) or all", () => {
    const signal = new Signal<[number]>();
    const seen: string[] = [];
    const a = (): number => seen.push("a");
    const b = (): number => seen.push("b");
    signal.connect(a);
    signal.connect(b);
    signal.connect(a);
    expect(signal.disconnect(a)).toBe(true);
    expect(signal.disconnect(a)).toBe(false);
    signal.emit(1);
    expect(seen).toEqual(["b"]);
    expect(signal.size).toBe(1);
    expect(signal.disconnect()).toBe(true);
    expect(signal.size).toBe(0);
    signal.emit(1);
    expect(seen).toEqual(["b"]);
  });

  it("honours once and thisArg", () => {
    const signal = new Signal<[number]>();
    const owner = { total: 0 };
    const seen: number[] = [];
    signal.connect((x) => seen.push(x), { once: true });
    signal.connect(
      function (this: typeof owner, x: number) {
        this.total += x;
      },
      { thisArg: owner },
    );
    signal.emit(1);
    signal.emit(2);
    expect(seen).toEqual([1]);
    expect(owner.total).toBe(3);
    expect(signal.size).toBe(1);
  });

  it("calls a once slot only once even when a slot re-emits", () => {
    const signal = new Signal<[number]>();
    const seen: number[] = [];
    signal.connect((x) => {
      if (x === 1) signal.emit(2);
    });
    signal.connect((x) => seen.push(x), { once: true });
    signal.emit(1);
    expect(seen).toEqual([2]);
  });

  it("runs every slot when some throw, then throws EmitError with every error", () => {
    const signal = new Signal<[number]>({ name: "sigValue" });
    const seen: string[] = [];
    const first = new Error("first");
    signal.connect(() => {
      seen.push("a");
      throw first;
    });
    signal.connect(() => seen.push("b"));
    signal.connect(() => {
      seen.push("c");
      throw new Error("second");
    });
    let caught: unknown;
    try {
      signal.emit(1);
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual(["a", "b", "c"]);
    expect(caught).toBeInstanceOf(EmitError);
    expect(caught).toBeInstanceOf(AggregateError);
    const emitError = caught as EmitError;
    expect(emitError.errors).toHaveLength(2);
    expect(emitError.errors[0]).toBe(first);
    expect(emitError.name).toBe("EmitError");
    expect(emitError.signalName).toBe("sigValue");
    expect(emitError.message).toBe("2 slots of signal sigValue failed: first");
  });

  it("applies connects and disconnects made during an emission to the next one", () => {
    const signal = new Signal<[number]>();
    const seen: string[] = [];
    const late = (x: number): number => seen.push(`late${x}`);
    const victim = (x: number): number => seen.push(`victim${x}`);
    signal.connect((x) => {
      seen.push(`first${x}`);
      if (x === 1) {
        signal.connect(late);
        signal.disconnect(victim);
      }
    });
    signal.connect(victim);
    signal.emit(1);
    expect(seen).toEqual(["first1", "victim1"]);
    seen.length = 0;
    signal.emit(2);
    expect(seen).toEqual(["first2", "late2"]);
  });

  it("drops emissions while blocked", () => {
    const signal = new Signal<[number]>();
    const seen: number[] = [];
    signal.connect((x) => seen.push(x));
    signal.block();
    expect(signal.blocked).toBe(true);
    signal.emit(1);
    signal.unblock();
    expect(signal.blocked).toBe(false);
    signal.emit(2);
    expect(seen).toEqual([2]);
  });

  it("buffers emissions while paused and replays them on resume", () => {
    const signal = new Signal<[number]>();
    const seen: number[] = [];
    signal.connect((x) => seen.push(x));
    signal.pause();
    expect(signal.paused).toBe(true);
    signal.emit(1);
    signal.emit(2);
    expect(seen).toEqual([]);
    signal.resume();
    expect(signal.paused).toBe(false);
    expect(seen).toEqual([1, 2]);
  });

  it("reduces buffered emissions to one with a reducer", () => {
    const signal = new Signal<[number, string]>();
    const seen: [number, string][] = [];
    signal.connect((n, s) => seen.push([n, s]));
    signal.pause();
    signal.emit(1, "a");
    signal.emit(2, "b");
    signal.emit(3, "c");
    signal.resume(([n1, s1], [n2, s2]) => [n1 + n2, s1 + s2]);
    expect(seen).toEqual([[6, "abc"]]);
  });

  it("replays every buffered emission even when slots throw, then reports them all", () => {
    const signal = new Signal<[number]>();
    const seen: number[] = [];
    signal.connect((x) => {
      seen.push(x);
      throw new Error(`bad ${x}`);
    });
    signal.pause();
    signal.emit(1);
    signal.emit(2);
    expect(() => signal.resume()).toThrow(EmitError);
    expect(seen).toEqual([1, 2]);
    signal.resume();
  });

  it("resolves next() with the next payload", async () => {
    const signal = new Signal<[number, string]>();
    const next = signal.next();
    signal.emit(4, "four");
    signal.emit(5, "five");
    await expect(next).resolves.toEqual([4, "four"]);
  });

  it("does not resolve next() for a blocked emission", async () => {
    const signal = new Signal<[number]>();
    const next = signal.next();
    signal.block();
    signal.emit(1);
    signal.unblock();
    signal.emit(2);
    await expect(next).resolves.toEqual([2]);
  });

  it("rejects next() on abort, including an already aborted signal", async () => {
    const signal = new Signal<[number]>();
    const controller = new AbortController();
    const next = signal.next({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(next).rejects.toThrow("stop");
    await expect(signal.next({ signal: controller.signal })).rejects.toThrow("stop");
    // A late emission after the abort is harmless.
    signal.emit(1);
  });

  it("rejects next() with a TimeoutError after timeoutMs", async () => {
    jest.useFakeTimers();
    try {
      const signal = new Signal<[number]>({ name: "sigSlow" });
      const next = signal.next({ timeoutMs: 50 });
      jest.advanceTimersByTime(50);
      await expect(next).rejects.toMatchObject({
        name: "TimeoutError",
        message: expect.stringContaining("sigSlow"),
      });
    } finally {
      jest.useRealTimers();
    }
  });

  it("clears the timeout of next() once resolved", async () => {
    jest.useFakeTimers();
    try {
      const signal = new Signal<[number]>();
      const next = signal.next({ timeoutMs: 1000 });
      signal.emit(1);
      await expect(next).resolves.toEqual([1]);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it("rejects a non-function slot", () => {
    const signal = new Signal<[number]>();
    expect(() => signal.connect(42 as never)).toThrow(/must be a function/);
    expect(signal.size).toBe(0);
  });

  it("rejects an unknown re-emission policy", () => {
    expect(() => new Signal({ reemission: "sometimes" as never })).toThrow(
      /Unknown reemission policy/,
    );
  });
});

describe("isSignal", () => {
  it("recognises signals and nothing else", () => {
    expect(isSignal(new Signal())).toBe(true);
    for (const value of [undefined, null, 1, {}, { emit() {}, connect() {} }, () => {}]) {
      expect(isSignal(value)).toBe(false);
    }
  });

  it("recognises a signal from another copy of the package", () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const copy = require("../src/signal.ts") as typeof SignalModule;
      const foreign = new copy.Signal();
      expect(foreign).not.toBeInstanceOf(Signal);
      expect(isSignal(foreign)).toBe(true);
      expect(copy.isSignal(new Signal())).toBe(true);
    });
  });
});
