import { EmitError, Signal, SignalRegistry } from "../src/index.js";

/** Resolves after pending promise callbacks (rejection handlers included) have run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("async slots", () => {
  it("emit does not await them, and their rejection goes to the signal's onError", async () => {
    const reported: [unknown, string | undefined][] = [];
    const signal = new Signal<[number]>({
      name: "sigAsync",
      onError: (error, info) => reported.push([error, info.signal.name]),
    });
    const order: string[] = [];
    const failure = new Error("async failure");
    const failing = async (): Promise<void> => {
      await Promise.resolve();
      order.push("failing done");
      throw failure;
    };
    signal.connect(failing);
    signal.connect(() => order.push("sync"));
    signal.emit(1);
    order.push("emit returned");
    await settle();
    expect(order).toEqual(["sync", "emit returned", "failing done"]);
    expect(reported).toEqual([[failure, "sigAsync"]]);
  });

  it("reports to the registry's handler when the signal has none", async () => {
    const reported: unknown[] = [];
    const registry = new SignalRegistry({ onError: (error) => reported.push(error) });
    const owner = { sigData: new Signal() };
    registry.registerSignals(owner, { name: "Owner" });
    owner.sigData.connect(() => Promise.reject(new Error("rejected")));
    owner.sigData.emit();
    await settle();
    expect(reported).toEqual([new Error("rejected")]);
  });

  it("by default the registry logs the rejection at error level", async () => {
    const errors: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (message: string) => errors.push(message),
    };
    const registry = new SignalRegistry({ logger });
    const owner = { sigData: new Signal() };
    registry.registerSignals(owner, { name: "Owner" });
    owner.sigData.connect(() => Promise.reject(new Error("rejected")));
    owner.sigData.emit();
    await settle();
    expect(errors).toEqual(["An async slot of Owner.sigData rejected."]);
  });

  it("falls back to console.error, never to an unhandled rejection", async () => {
    const spy = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const signal = new Signal<[number]>({ name: "sigLoose" });
      signal.connect(() => Promise.reject(new Error("nobody listens")));
      signal.emit(1);
      await settle();
      expect(spy).toHaveBeenCalledWith(
        "An async slot of signal sigLoose rejected:",
        new Error("nobody listens"),
      );
    } finally {
      spy.mockRestore();
    }
  });

  it("survives an error handler that throws", async () => {
    const spy = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const signal = new Signal({
        onError: () => {
          throw new Error("handler broke");
        },
      });
      signal.connect(() => Promise.reject(new Error("slot broke")));
      signal.emit();
      await settle();
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it("treats any thenable as async", async () => {
    const reported: unknown[] = [];
    const signal = new Signal({ onError: (error) => reported.push(error) });
    signal.connect(() => ({
      then(_: unknown, reject: (error: unknown) => void) {
        reject("thenable rejected");
      },
    }));
    signal.emit();
    await settle();
    expect(reported).toEqual(["thenable rejected"]);
  });
});

describe("emitAsync", () => {
  it("awaits every slot", async () => {
    const signal = new Signal<[number]>();
    const done: number[] = [];
    signal.connect(async (x) => {
      await settle();
      done.push(x);
    });
    signal.connect((x) => done.push(x * 10));
    await signal.emitAsync(2);
    expect(done).toEqual([20, 2]);
  });

  it("rejects with one EmitError carrying thrown errors and rejections, after all settled", async () => {
    const signal = new Signal<[number]>({ name: "sigJob" });
    let slowFinished = false;
    signal.connect(() => {
      throw new Error("sync");
    });
    signal.connect(() => Promise.reject(new Error("async")));
    signal.connect(async () => {
      await settle();
      slowFinished = true;
    });
    const outcome = signal.emitAsync(1);
    await expect(outcome).rejects.toBeInstanceOf(EmitError);
    await outcome.catch((error: EmitError) => {
      expect(error.errors).toEqual([new Error("sync"), new Error("async")]);
    });
    expect(slowFinished).toBe(true);
  });

  it("does nothing while blocked and buffers while paused", async () => {
    const signal = new Signal<[number]>();
    const seen: number[] = [];
    signal.connect((x) => seen.push(x));
    signal.block();
    await signal.emitAsync(1);
    signal.unblock();
    signal.pause();
    await signal.emitAsync(2);
    expect(seen).toEqual([]);
    signal.resume();
    expect(seen).toEqual([2]);
  });

  it("does not report awaited rejections to the error handler", async () => {
    const reported: unknown[] = [];
    const signal = new Signal({ onError: (error) => reported.push(error) });
    signal.connect(() => Promise.reject(new Error("awaited")));
    await expect(signal.emitAsync()).rejects.toThrow(EmitError);
    await settle();
    expect(reported).toEqual([]);
  });
});
