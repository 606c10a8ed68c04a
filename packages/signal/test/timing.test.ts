import { debounced, Signal, throttled } from "../src/index.js";

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe("throttled", () => {
  it("calls at the start of a window and with the latest arguments at its end", () => {
    const seen: number[] = [];
    const slot = throttled((x: number) => seen.push(x), 100);
    slot(1);
    slot(2);
    slot(3);
    expect(seen).toEqual([1]);
    expect(slot.pending).toBe(true);
    jest.advanceTimersByTime(100);
    expect(seen).toEqual([1, 3]);
    // The trailing call opened a new window.
    slot(4);
    expect(seen).toEqual([1, 3]);
    jest.advanceTimersByTime(100);
    expect(seen).toEqual([1, 3, 4]);
    jest.advanceTimersByTime(100);
    slot(5);
    expect(seen).toEqual([1, 3, 4, 5]);
  });

  it("honours leading: false and trailing: false", () => {
    const trailingOnly: number[] = [];
    const t = throttled((x: number) => trailingOnly.push(x), 50, { leading: false });
    t(1);
    t(2);
    expect(trailingOnly).toEqual([]);
    jest.advanceTimersByTime(50);
    expect(trailingOnly).toEqual([2]);

    const leadingOnly: number[] = [];
    const l = throttled((x: number) => leadingOnly.push(x), 50, { trailing: false });
    l(1);
    l(2);
    jest.advanceTimersByTime(50);
    l(3);
    expect(leadingOnly).toEqual([1, 3]);
    expect(l.pending).toBe(false);
  });

  it("cancels and flushes the held-back call", () => {
    const seen: number[] = [];
    const slot = throttled((x: number) => seen.push(x), 100);
    slot(1);
    slot(2);
    slot.cancel();
    expect(slot.pending).toBe(false);
    jest.advanceTimersByTime(200);
    expect(seen).toEqual([1]);
    slot(3);
    slot(4);
    slot.flush();
    expect(seen).toEqual([1, 3, 4]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("works as a slot, keeping this", () => {
    const signal = new Signal<[number]>();
    const owner = { seen: [] as number[] };
    signal.connect(
      throttled(function (this: typeof owner, x: number) {
        this.seen.push(x);
      }, 10),
      { thisArg: owner },
    );
    signal.emit(1);
    signal.emit(2);
    jest.advanceTimersByTime(10);
    expect(owner.seen).toEqual([1, 2]);
  });

  it("reports what a timer call throws instead of crashing", () => {
    const errors: unknown[] = [];
    const slot = throttled(
      (x: number) => {
        if (x === 2) throw new Error("late");
      },
      10,
      { onError: (error) => errors.push(error) },
    );
    slot(1);
    slot(2);
    jest.advanceTimersByTime(10);
    expect(errors).toEqual([new Error("late")]);
  });

  it("rejects bad input", () => {
    expect(() => throttled(5 as never, 10)).toThrow(TypeError);
    expect(() => throttled(() => {}, -1)).toThrow(RangeError);
    expect(() => debounced(() => {}, Number.NaN)).toThrow(RangeError);
  });
});

describe("debounced", () => {
  it("calls once, with the latest arguments, after calls stop", () => {
    const seen: number[] = [];
    const slot = debounced((x: number) => seen.push(x), 100);
    slot(1);
    jest.advanceTimersByTime(60);
    slot(2);
    jest.advanceTimersByTime(60);
    slot(3);
    expect(seen).toEqual([]);
    jest.advanceTimersByTime(99);
    expect(seen).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(seen).toEqual([3]);
  });

  it("with leading, calls at the first call of a burst, and trails only if more came", () => {
    const seen: number[] = [];
    const slot = debounced((x: number) => seen.push(x), 100, { leading: true });
    slot(1);
    expect(seen).toEqual([1]);
    jest.advanceTimersByTime(100);
    expect(seen).toEqual([1]);
    slot(2);
    slot(3);
    jest.advanceTimersByTime(100);
    expect(seen).toEqual([1, 2, 3]);

    const leadingOnly: number[] = [];
    const l = debounced((x: number) => leadingOnly.push(x), 100, {
      leading: true,
      trailing: false,
    });
    l(1);
    l(2);
    jest.advanceTimersByTime(100);
    expect(leadingOnly).toEqual([1]);
  });

  it("cancels and flushes", () => {
    const seen: number[] = [];
    const slot = debounced((x: number) => seen.push(x), 100);
    slot(1);
    slot.cancel();
    jest.advanceTimersByTime(100);
    expect(seen).toEqual([]);
    slot(2);
    expect(slot.pending).toBe(true);
    slot.flush();
    expect(seen).toEqual([2]);
    expect(slot.pending).toBe(false);
    slot.flush();
    expect(seen).toEqual([2]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("reports what the trailing call throws", () => {
    const spy = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const slot = debounced(() => {
        throw new Error("trailing");
      }, 10);
      slot();
      jest.advanceTimersByTime(10);
      expect(spy).toHaveBeenCalledWith("A rate-limited slot threw:", new Error("trailing"));
    } finally {
      spy.mockRestore();
    }
  });
});
