import { sender, Signal as SignalClass, SignalRegistry } from "../src/index.js";

describe("sender()", () => {
  it("is undefined outside an emission", () => {
    expect(sender()).toBeUndefined();
  });

  it("names the emitting signal inside a slot, innermost first, and restores it", () => {
    const outer = new SignalClass({ name: "outer" });
    const inner = new SignalClass({ name: "inner" });
    const seen: (string | undefined)[] = [];
    inner.connect(() => seen.push(sender()?.name));
    outer.connect(() => {
      seen.push(sender()?.name);
      inner.emit();
      seen.push(sender()?.name);
    });
    outer.emit();
    expect(seen).toEqual(["outer", "inner", "outer"]);
    expect(sender()).toBeUndefined();
  });

  it("is restored when slots throw", () => {
    const signal = new SignalClass();
    signal.connect(() => {
      throw new Error("boom");
    });
    expect(() => signal.emit()).toThrow();
    expect(sender()).toBeUndefined();
  });

  it("tells which signal of which plugin emits, once registered", () => {
    class Stage {
      sigMoved = new SignalClass<[number]>();
      sigStopped = new SignalClass<[number]>();
    }
    const stage = new Stage();
    const registry = new SignalRegistry();
    registry.registerSignals(stage);
    const seen: string[] = [];
    const onAny = (x: number): void => {
      const from = sender()!;
      seen.push(`${from.owner}.${from.name}(${x})`);
    };
    stage.sigMoved.connect(onAny);
    stage.sigStopped.connect(onAny, { once: true });
    stage.sigMoved.emit(1);
    stage.sigStopped.emit(2);
    expect(seen).toEqual(["Stage.sigMoved(1)", "Stage.sigStopped(2)"]);
  });

  it("keeps an explicit signal name over the field name", () => {
    const owner = { sigField: new SignalClass({ name: "custom" }) };
    new SignalRegistry().registerSignals(owner, { name: "Owner" });
    expect(owner.sigField.name).toBe("custom");
    expect(owner.sigField.owner).toBe("Owner");
  });
});
