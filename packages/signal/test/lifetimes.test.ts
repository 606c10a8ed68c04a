import { disconnectReceiver, Signal, SignalRegistry, throttled } from "../src/index.js";

class Emitter {
  sigSender = new Signal<[number]>();
  sigOther = new Signal<[string]>();
}

describe("registry.unregister", () => {
  it("removes an owner by name and disconnects what the registry connected", () => {
    const registry = new SignalRegistry();
    const emitter = new Emitter();
    registry.registerSignals(emitter);
    const seen: number[] = [];
    const direct = (x: number): number => seen.push(-x);
    emitter.sigSender.connect(direct);
    const connection = registry.connect("Emitter", "sigSender", (x: number) => seen.push(x));
    expect(registry.unregister("Emitter")).toBe(true);
    expect(registry.has("Emitter")).toBe(false);
    expect(connection.connected).toBe(false);
    expect(connection.pending).toBe(false);
    emitter.sigSender.emit(1);
    // A connection made directly on the signal is not the registry's to undo.
    expect(seen).toEqual([-1]);
    expect(emitter.sigSender.owner).toBeUndefined();
    expect(registry.unregister("Emitter")).toBe(false);
  });

  it("removes an owner by instance, under every name it was registered with", () => {
    const registry = new SignalRegistry();
    const emitter = new Emitter();
    registry.registerSignals(emitter);
    registry.registerSignals(emitter, { name: "Alias" });
    registry.registerSignals(new Emitter(), { name: "Other" });
    expect(registry.unregister(emitter)).toBe(true);
    expect(registry.names()).toEqual(["Other"]);
    expect(registry.unregister({})).toBe(false);
  });

  it("puts deferred connections back to waiting, and reconnects them to the next owner", () => {
    const registry = new SignalRegistry();
    const seen: number[] = [];
    const connection = registry.connect("Emitter", "sigSender", (x: number) => seen.push(x), {
      deferred: true,
    });
    const first = new Emitter();
    registry.registerSignals(first);
    first.sigSender.emit(1);
    registry.unregister(first);
    expect(connection.pending).toBe(true);
    first.sigSender.emit(2);
    const second = new Emitter();
    registry.registerSignals(second);
    expect(connection.connected).toBe(true);
    second.sigSender.emit(3);
    expect(seen).toEqual([1, 3]);
    expect(first.sigSender.size).toBe(0);
  });
});

describe("disconnectReceiver", () => {
  it("disconnects every slot of a receiver, from every signal, however connected", () => {
    const a = new Signal<[number]>();
    const b = new Signal<[string]>();
    const receiver = { seen: [] as unknown[] };
    const other = { seen: [] as unknown[] };
    function record(this: { seen: unknown[] }, value: unknown): void {
      this.seen.push(value);
    }
    a.connect(record, { thisArg: receiver });
    b.connect((s) => receiver.seen.push(s), { receiver });
    a.connect(record, { thisArg: other });
    // A bound @slot method names its instance under this shared symbol.
    const bound = (x: number): number => receiver.seen.push(x * 100);
    Object.defineProperty(bound, Symbol.for("@sunflare/receiver"), { value: receiver });
    a.connect(bound);

    expect(disconnectReceiver(receiver)).toBe(3);
    a.emit(1);
    b.emit("x");
    expect(receiver.seen).toEqual([]);
    expect(other.seen).toEqual([1]);
    expect(a.size).toBe(1);
    expect(b.size).toBe(0);
    expect(disconnectReceiver(receiver)).toBe(0);
  });

  it("counts only connections still connected", () => {
    const signal = new Signal();
    const receiver = {};
    const slot = (): void => {};
    signal.connect(slot, { receiver });
    signal.connect(() => {}, { receiver, once: true });
    signal.emit();
    signal.disconnect(slot);
    expect(disconnectReceiver(receiver)).toBe(0);
  });

  it("finds rate-limited bound slots through the wrapper", () => {
    const signal = new Signal<[number]>();
    const receiver = {};
    const bound = (): void => {};
    Object.defineProperty(bound, Symbol.for("@sunflare/receiver"), { value: receiver });
    signal.connect(throttled(bound, 10));
    expect(disconnectReceiver(receiver)).toBe(1);
    expect(signal.size).toBe(0);
  });

  it("covers connections made through the registry", () => {
    const registry = new SignalRegistry();
    const emitter = new Emitter();
    registry.registerSignals(emitter);
    const plugin = { seen: [] as number[] };
    const connection = registry.connect(
      "Emitter",
      "sigSender",
      (x: number) => plugin.seen.push(x),
      {
        receiver: plugin,
      },
    );
    disconnectReceiver(plugin);
    expect(connection.connected).toBe(false);
    emitter.sigSender.emit(1);
    expect(plugin.seen).toEqual([]);
  });
});
