import { Signal } from "@sunflare/signal";
import { SignalSpy } from "@sunflare/signal/testing";

describe("SignalSpy", () => {
  it("records emissions: count, calls, last", () => {
    const signal = new Signal<[number, string]>();
    const spy = new SignalSpy(signal);
    expect(spy.count).toBe(0);
    expect(spy.last).toBeUndefined();
    signal.emit(1, "a");
    signal.emit(2, "b");
    expect(spy.count).toBe(2);
    expect(spy.calls).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
    expect(spy.last).toEqual([2, "b"]);
    spy.clear();
    expect(spy.count).toBe(0);
  });

  it("does not record blocked emissions", () => {
    const signal = new Signal<[number]>();
    const spy = new SignalSpy(signal);
    signal.block();
    signal.emit(1);
    expect(spy.count).toBe(0);
  });

  it("wait() resolves with the next emission", async () => {
    const signal = new Signal<[number]>();
    const spy = new SignalSpy(signal);
    signal.emit(1);
    const next = spy.wait();
    queueMicrotask(() => signal.emit(2));
    await expect(next).resolves.toEqual([2]);
  });

  it("wait({ count }) resolves once that many were recorded, at once if already", async () => {
    const signal = new Signal<[number]>();
    const spy = new SignalSpy(signal);
    signal.emit(1);
    await expect(spy.wait({ count: 1 })).resolves.toEqual([1]);
    const third = spy.wait({ count: 3 });
    signal.emit(2);
    signal.emit(3);
    await expect(third).resolves.toEqual([3]);
  });

  it("wait() rejects with a TimeoutError, and on abort", async () => {
    jest.useFakeTimers();
    try {
      const spy = new SignalSpy(new Signal());
      const waiting = spy.wait({ timeoutMs: 100 });
      jest.advanceTimersByTime(100);
      await expect(waiting).rejects.toMatchObject({ name: "TimeoutError" });
      const controller = new AbortController();
      const aborted = spy.wait({ signal: controller.signal });
      controller.abort(new Error("cancelled"));
      await expect(aborted).rejects.toThrow("cancelled");
      expect(jest.getTimerCount()).toBe(0);
      await expect(spy.wait({ signal: controller.signal })).rejects.toThrow("cancelled");
    } finally {
      jest.useRealTimers();
    }
  });

  it("stops recording when disposed", () => {
    const signal = new Signal<[number]>();
    {
      using spy = new SignalSpy(signal);
      signal.emit(1);
      expect(spy.count).toBe(1);
      expect(signal.size).toBe(1);
    }
    expect(signal.size).toBe(0);
    const spy = new SignalSpy(signal);
    spy.dispose();
    signal.emit(2);
    expect(spy.count).toBe(0);
  });
});
