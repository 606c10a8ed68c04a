import type { Reemission } from "../src/index.js";
import { EmitError, Signal } from "../src/index.js";

/** Two slots; the first re-emits 2 when it sees 1. Returns what each slot saw, in call order. */
function nested(reemission: Reemission): string[] {
  const signal = new Signal<[number]>({ reemission });
  const seen: string[] = [];
  signal.connect((x) => {
    seen.push(`a${x}`);
    if (x === 1) signal.emit(2);
  });
  signal.connect((x) => seen.push(`b${x}`));
  signal.emit(1);
  return seen;
}

describe("re-emission policy", () => {
  it("defaults to immediate", () => {
    expect(new Signal().reemission).toBe("immediate");
  });

  it("immediate: the nested emission runs depth-first", () => {
    expect(nested("immediate")).toEqual(["a1", "a2", "b2", "b1"]);
  });

  it("queued: the nested emission runs after the current one", () => {
    expect(nested("queued")).toEqual(["a1", "b1", "a2", "b2"]);
  });

  it("latest-only: the current emission stops and the latest value reaches every slot", () => {
    expect(nested("latest-only")).toEqual(["a1", "a2", "b2"]);
  });

  it("latest-only: of several nested emissions only the last is delivered", () => {
    const signal = new Signal<[number]>({ reemission: "latest-only" });
    const seen: number[] = [];
    signal.connect((x) => {
      seen.push(x);
      if (x === 0) {
        signal.emit(1);
        signal.emit(2);
        signal.emit(3);
      }
    });
    signal.emit(0);
    expect(seen).toEqual([0, 3]);
  });

  it("queued: keeps every value in order, even for deep chains", () => {
    const signal = new Signal<[number]>({ reemission: "queued" });
    const seen: number[] = [];
    signal.connect((x) => {
      seen.push(x);
      if (x < 5) {
        signal.emit(x + 1);
        signal.emit(x + 100);
      }
    });
    signal.emit(0);
    expect(seen).toEqual([0, 1, 100, 2, 101, 3, 102, 4, 103, 5, 104]);
  });

  it("queued: errors of queued emissions surface from the outer emit", () => {
    const signal = new Signal<[number]>({ reemission: "queued" });
    signal.connect((x) => {
      if (x === 1) signal.emit(2);
      else throw new Error(`bad ${x}`);
    });
    expect(() => signal.emit(1)).toThrow(EmitError);
    // The signal is usable afterwards: the queue was drained.
    const seen: number[] = [];
    signal.connect((x) => seen.push(x));
    expect(() => signal.emit(3)).toThrow("bad 3");
    expect(seen).toEqual([3]);
  });
});

describe("re-emission policy with emitAsync", () => {
  it("latest-only: a nested emission during emitAsync is delivered, never left behind", async () => {
    const signal = new Signal<[number]>({ reemission: "latest-only" });
    const seen: number[] = [];
    signal.connect((x) => {
      seen.push(x);
      if (x === 1) signal.emit(2);
    });
    await signal.emitAsync(1);
    signal.emit(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("queued: a nested emission during emitAsync runs after it, in order", async () => {
    const signal = new Signal<[number]>({ reemission: "queued" });
    const seen: string[] = [];
    signal.connect((x) => {
      seen.push(`a${x}`);
      if (x === 1) void signal.emitAsync(2);
    });
    signal.connect((x) => seen.push(`b${x}`));
    await signal.emitAsync(1);
    expect(seen).toEqual(["a1", "b1", "a2", "b2"]);
  });
});
