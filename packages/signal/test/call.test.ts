import { Property, SignalRegistry } from "../src/index.js";
import { failure, slot } from "./calls-helpers.js";

// Calls and properties within one registry: the method runs here, and the
// Call behaves as it does across members (see member/calls.test.ts).

class Stage {
  readonly position = new Property<[number, number]>([0, 0]);
  readonly log: string[] = [];
  readonly double = slot((x: number) => 2 * x);
  readonly later = slot(async (x: number) => {
    await Promise.resolve();
    return x + 1;
  });
  readonly fail = slot(() => {
    throw new RangeError("out of range");
  });
  readonly internal = Object.defineProperty(() => 0, Symbol.for("@sunflare/slot"), {
    value: { private: true },
  });
  readonly notASlot = (): number => 1;
  readonly moveTo = slot(async function* (this: Stage, x: number, y: number) {
    try {
      for (let step = 1; step <= 3; step++) {
        yield [(x * step) / 3, (y * step) / 3];
        await Promise.resolve();
      }
      await this.position.set([x, y]);
      return this.position.value;
    } finally {
      this.log.push("finally");
    }
  });
  readonly forever = slot(async function* (this: Stage) {
    try {
      for (;;) {
        yield "tick";
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.log.push("stopped");
    }
  });
  readonly never = slot(() => new Promise(() => undefined));
}

function registered(): { registry: SignalRegistry; stage: Stage } {
  const registry = new SignalRegistry();
  const stage = new Stage();
  registry.registerSignals(stage);
  return { registry, stage };
}

test("public @slot methods are callable; a value, a promise and a generator's return are results", async () => {
  const { registry } = registered();
  expect(registry.slots("Stage").sort()).toEqual([
    "double",
    "fail",
    "forever",
    "later",
    "moveTo",
    "never",
  ]);
  expect(await registry.call("Stage", "double", [21])).toBe(42);
  expect(await registry.call("Stage", "later", [1])).toBe(2);
  const progress: unknown[] = [];
  const move = registry.call("Stage", "moveTo", [3, 6]);
  move.progress.connect((at) => progress.push(at));
  expect(await move).toEqual([3, 6]);
  expect(progress).toEqual([
    [1, 2],
    [2, 4],
    [3, 6],
  ]);
});

test("unknown owners and slots, private slots and plain methods reject at once with code unknown", async () => {
  const { registry } = registered();
  for (const [owner, name] of [
    ["Nobody", "double"],
    ["Stage", "nothing"],
    ["Stage", "internal"],
    ["Stage", "notASlot"],
  ] as const) {
    const error = await failure(registry.call(owner, name, []));
    expect([error.code, error.owner, error.slot]).toEqual(["unknown", owner, name]);
  }
});

test("registerSignals({ slots }) makes plain methods callable; only narrows slots and properties too", async () => {
  const registry = new SignalRegistry();
  const plain = { add: (a: number, b: number) => a + b, sub: (a: number, b: number) => a - b };
  registry.registerSignals(plain, { name: "Plain", slots: ["add", "sub"], only: ["add"] });
  expect(registry.slots("Plain")).toEqual(["add"]);
  expect(await registry.call("Plain", "add", [2, 3])).toBe(5);
  expect((await failure(registry.call("Plain", "sub", [2, 3]))).code).toBe("unknown");
  const stage = new Stage();
  registry.registerSignals(stage, { only: ["double"] });
  expect(Object.keys(registry.properties("Stage"))).toEqual([]);
});

test("a slot that throws or rejects: code remote, with the error's name, message and stack", async () => {
  const { registry } = registered();
  const error = await failure(registry.call("Stage", "fail"));
  expect(error.code).toBe("remote");
  expect(error.remote).toMatchObject({ name: "RangeError", message: "out of range" });
  expect(error.remote?.stack).toMatch(/out of range/);
});

test("cancel() returns the generator (its finally runs) and rejects with code aborted", async () => {
  const { registry, stage } = registered();
  const ticking = registry.call("Stage", "forever");
  await ticking.progress.next();
  ticking.cancel("enough");
  const error = await failure(ticking);
  expect([error.code, error.cause]).toEqual(["aborted", "enough"]);
  while (!stage.log.includes("stopped")) await new Promise((resolve) => setImmediate(resolve));
  expect(stage.log).toEqual(["stopped"]);
});

test("an AbortSignal aborts, before or during the call; a deadline rejects with code timeout", async () => {
  const { registry } = registered();
  const controller = new AbortController();
  const running = registry.call("Stage", "never", [], { signal: controller.signal });
  controller.abort(new Error("user"));
  expect((await failure(running)).code).toBe("aborted");
  expect(
    (await failure(registry.call("Stage", "double", [1], { signal: controller.signal }))).code,
  ).toBe("aborted");
  const late = await failure(registry.call("Stage", "never", [], { timeoutMs: 20 }));
  expect([late.code, late.message]).toEqual([
    "timeout",
    "Stage.never did not answer within 20 ms.",
  ]);
});

test("a property: value, set through validate (refuse or replace), changed on every accepted change", async () => {
  const registry = new SignalRegistry();
  const camera = {
    exposure: new Property(10, {
      validate: (next: number) => {
        if (next <= 0) throw new RangeError("exposure must be positive");
        return Math.min(next, 100);
      },
    }),
  };
  registry.registerSignals(camera, { name: "Camera" });
  const exposure = registry.properties("Camera").exposure!;
  expect(exposure).toBe(camera.exposure);
  const seen: number[] = [];
  exposure.changed.connect((ms: number) => seen.push(ms));
  expect(await exposure.set(20)).toBe(20);
  expect(await exposure.set(500)).toBe(100);
  const refused = await failure(exposure.set(-1));
  expect([refused.code, refused.owner, refused.slot, refused.remote?.message]).toEqual([
    "remote",
    "Camera",
    "exposure",
    "exposure must be positive",
  ]);
  // The same value again is no change.
  await exposure.set(100);
  expect(seen).toEqual([20, 100]);
  expect(exposure.value).toBe(100);
});
