import { isPrivateSlot, isSlot, slot, slotsOf } from "../src/index.js";

class Receiver {
  received: number[] = [];
  plain(): void {}

  @slot
  onValue(x: number): void {
    this.received.push(x);
  }

  @slot({ private: true })
  onInternal(): string {
    return "internal";
  }
}

describe("@slot", () => {
  it("marks decorated methods and leaves others alone", () => {
    const receiver = new Receiver();
    expect(isSlot(receiver.onValue)).toBe(true);
    expect(isSlot(Receiver.prototype.onValue)).toBe(true);
    expect(isSlot(receiver.plain)).toBe(false);
    expect(isSlot(receiver.onInternal)).toBe(true);
  });

  it("binds the method to its instance, so it can be passed around", () => {
    const receiver = new Receiver();
    const { onValue } = receiver;
    onValue(3);
    [4, 5].forEach(receiver.onValue);
    expect(receiver.received).toEqual([3, 4, 5]);
  });

  it("binds each instance separately and keeps the same function per instance", () => {
    const a = new Receiver();
    const b = new Receiver();
    expect(a.onValue).not.toBe(b.onValue);
    expect(a.onValue).toBe(a.onValue);
    a.onValue(1);
    expect(a.received).toEqual([1]);
    expect(b.received).toEqual([]);
  });

  it("tells private slots apart", () => {
    const receiver = new Receiver();
    expect(isPrivateSlot(receiver.onInternal)).toBe(true);
    expect(isPrivateSlot(receiver.onValue)).toBe(false);
    expect(isPrivateSlot(receiver.plain)).toBe(false);
    expect(receiver.onInternal()).toBe("internal");
  });

  it("keeps bound slots out of Object.keys and JSON", () => {
    const receiver = new Receiver();
    expect(Object.keys(receiver)).toEqual(["received"]);
    expect(JSON.stringify(receiver)).toBe('{"received":[]}');
  });

  it("lets a subclass override a slot, with or without @slot", () => {
    class Marked extends Receiver {
      @slot
      override onValue(x: number): void {
        this.received.push(x * 10);
      }
    }
    class Unmarked extends Receiver {
      override onValue(x: number): void {
        this.received.push(-x);
      }
    }
    const marked = new Marked();
    const { onValue } = marked;
    onValue(2);
    expect(marked.received).toEqual([20]);
    expect(isSlot(marked.onValue)).toBe(true);

    const unmarked = new Unmarked();
    unmarked.onValue(2);
    expect(unmarked.received).toEqual([-2]);
    expect(isSlot(unmarked.onValue)).toBe(false);
  });

  it("marks static and #private methods too", () => {
    class WithStatic {
      static calls = 0;
      @slot
      static tick(): void {
        WithStatic.calls++;
      }
      @slot
      #hidden(): number {
        return 7;
      }
      expose(): () => number {
        return this.#hidden;
      }
    }
    const { tick } = WithStatic;
    tick();
    expect(WithStatic.calls).toBe(1);
    expect(isSlot(WithStatic.tick)).toBe(true);
    expect(isSlot(new WithStatic().expose())).toBe(true);
  });

  it("rejects non-methods with a clear error", () => {
    expect(() => {
      class Bad {
        // @ts-expect-error -- @slot is for methods
        @slot
        value = 1;
      }
      return new Bad();
    }).toThrow(/applies to methods/);
  });
});

describe("slot(fn)", () => {
  it("marks and returns the same function", () => {
    const fn = (x: number): number => x + 1;
    expect(slot(fn)).toBe(fn);
    expect(isSlot(fn)).toBe(true);
    expect(isPrivateSlot(fn)).toBe(false);
    expect(fn(1)).toBe(2);
  });

  it("accepts options", () => {
    const fn = slot(() => undefined, { private: true });
    expect(isPrivateSlot(fn)).toBe(true);
  });

  it("rejects bad input", () => {
    expect(() => slot(42 as never)).toThrow(TypeError);
    expect(() => slot(null as never)).toThrow(TypeError);
  });
});

describe("isSlot", () => {
  it("answers false for anything unmarked", () => {
    for (const value of [undefined, null, 1, "slot", {}, () => undefined, function named() {}]) {
      expect(isSlot(value)).toBe(false);
      expect(isPrivateSlot(value)).toBe(false);
    }
  });

  it("recognises the mark of another copy of the package", () => {
    const foreign = () => undefined;
    Object.defineProperty(foreign, Symbol.for("@sunflare/slot"), { value: { private: true } });
    expect(isSlot(foreign)).toBe(true);
    expect(isPrivateSlot(foreign)).toBe(true);
  });

  it("names the receiver of a bound slot under the shared symbol", () => {
    const receiver = new Receiver();
    const bound = receiver.onValue as unknown as Record<symbol, unknown>;
    expect(bound[Symbol.for("@sunflare/receiver")]).toBe(receiver);
  });
});

describe("slotsOf", () => {
  it("lists slot methods, inherited ones included, each once", () => {
    class Child extends Receiver {
      @slot
      onExtra(): void {}
      @slot
      override onValue(): void {}
      other(): void {}
    }
    expect(slotsOf(new Receiver())).toEqual(["onValue", "onInternal"]);
    expect(slotsOf(new Child()).sort()).toEqual(["onExtra", "onInternal", "onValue"]);
  });

  it("finds slots assigned as fields and ignores accessors", () => {
    let reads = 0;
    const owner = {
      handler: slot(() => undefined),
      get lazy(): () => void {
        reads++;
        return slot(() => undefined);
      },
    };
    expect(slotsOf(owner)).toEqual(["handler"]);
    expect(reads).toBe(0);
  });

  it("returns nothing for an object without slots", () => {
    expect(slotsOf({ a: 1, b: () => undefined })).toEqual([]);
  });
});
