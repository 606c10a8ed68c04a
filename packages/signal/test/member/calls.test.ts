import { Property, SignalRegistry } from "../../src/index.js";
import { BusMember } from "../../src/member/member.js";
import { codec, Hub, LoopLink, pair } from "./hub.js";
import { failure, slot } from "../calls-helpers.js";

// Calls and properties between members over the in-memory hub: the
// protocol logic of version 2's inbox and values messages.

class Stage {
  readonly position = new Property<number[]>([0, 0]);
  readonly finished: string[] = [];
  readonly add = slot((a: number, b: number) => a + b);
  readonly fail = slot(() => {
    throw new TypeError("bad move");
  });
  readonly moveTo = slot(async function* (this: Stage, x: number, y: number) {
    try {
      for (let step = 1; step <= 4; step++) yield [(x * step) / 4, (y * step) / 4];
      await this.position.set([x, y]);
      return this.position.value;
    } finally {
      this.finished.push(`moveTo ${x},${y}`);
    }
  });
  readonly forever = slot(async function* () {
    for (;;) {
      yield "tick";
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  });
  readonly hold = slot(() => new Promise(() => undefined));
  readonly fn = slot(() => () => undefined);
}

class Camera {
  readonly exposure = new Property(10, {
    validate: (next: number) => {
      if (!(next > 0)) throw new RangeError("exposure must be positive");
    },
  });
}

test("a member calls an owner elsewhere: results, progress in order, remote errors, unknown at once", async () => {
  const hub = new Hub();
  const { hostRegistry, memberRegistry, close } = await pair(hub);
  const stage = new Stage();
  hostRegistry.registerSignals(stage);
  await hub.idle();
  expect(memberRegistry.slots("Stage").sort()).toEqual([
    "add",
    "fail",
    "fn",
    "forever",
    "hold",
    "moveTo",
  ]);
  expect(await memberRegistry.call("Stage", "add", [2, 3])).toBe(5);
  const move = memberRegistry.call("Stage", "moveTo", [4, 8]);
  const progress: unknown[] = [];
  move.progress.connect((at) => progress.push(at));
  expect(await move).toEqual([4, 8]);
  expect(progress).toEqual([
    [1, 2],
    [2, 4],
    [3, 6],
    [4, 8],
  ]);
  const thrown = await failure(memberRegistry.call("Stage", "fail"));
  expect([thrown.code, thrown.remote?.name, thrown.remote?.message]).toEqual([
    "remote",
    "TypeError",
    "bad move",
  ]);
  expect(thrown.remote?.stack).toMatch(/bad move/);
  const sent = hub.published;
  expect((await failure(memberRegistry.call("Stage", "nothing"))).code).toBe("unknown");
  // At once: nothing went to the owner.
  expect(hub.published).toBe(sent);
  await close();
});

test("cancel and a deadline stop the owner's generator; encode failures reject; 1,000 concurrent calls are all answered", async () => {
  const hub = new Hub();
  const { hostRegistry, memberRegistry, close } = await pair(hub);
  const stage = new Stage();
  hostRegistry.registerSignals(stage);
  await hub.idle();
  const ticking = memberRegistry.call("Stage", "forever");
  await ticking.progress.next();
  ticking.cancel();
  expect((await failure(ticking)).code).toBe("aborted");
  expect((await failure(memberRegistry.call("Stage", "hold", [], { timeoutMs: 30 }))).code).toBe(
    "timeout",
  );
  expect((await failure(memberRegistry.call("Stage", "add", [() => 1, 2]))).code).toBe("encode");
  expect((await failure(memberRegistry.call("Stage", "fn"))).code).toBe("encode");
  const calls = Array.from({ length: 1000 }, (_, i) => memberRegistry.call("Stage", "add", [i, i]));
  expect(await Promise.all(calls)).toEqual(Array.from({ length: 1000 }, (_, i) => 2 * i));
  await close();
});

test("calls to an owner whose member leaves reject with code gone at once", async () => {
  const hub = new Hub();
  const { host, memberRegistry, close } = await pair(hub);
  const ownerRegistry = new SignalRegistry();
  const owner = new BusMember({
    registry: ownerRegistry,
    link: new LoopLink(hub),
    codec,
    host: host.id,
  });
  await owner.start();
  ownerRegistry.registerSignals(new Stage());
  await hub.idle();
  const outcome = failure(memberRegistry.call("Stage", "hold"));
  await hub.idle();
  await owner.close();
  const gone = await outcome;
  expect([gone.code, gone.message]).toEqual([
    "gone",
    `Stage.hold: its member ${owner.id} is gone.`,
  ]);
  await close();
});

test("a late joiner knows every current value by the time it sees the owner; set asks the owner; refusals reject", async () => {
  const hub = new Hub();
  const { hostRegistry, memberRegistry, host, close } = await pair(hub);
  const camera = new Camera();
  hostRegistry.registerSignals(camera);
  await camera.exposure.set(25);
  await hub.idle();
  expect(memberRegistry.properties("Camera").exposure!.value).toBe(25);

  // A member joining now sees Camera with its value, never without.
  const lateRegistry = new SignalRegistry();
  const seenWith: unknown[] = [];
  lateRegistry.on("registered", (name) => {
    if (name === "Camera") seenWith.push(lateRegistry.properties("Camera").exposure!.value);
  });
  const late = new BusMember({
    registry: lateRegistry,
    link: new LoopLink(hub),
    codec,
    host: host.id,
  });
  await late.start();
  // Joined means the host's owners are known, values included.
  expect(lateRegistry.has("Camera")).toBe(true);
  expect(seenWith).toEqual([25]);

  const atLate: number[] = [];
  lateRegistry.properties("Camera").exposure!.changed.connect((ms: number) => atLate.push(ms));
  const remote = memberRegistry.properties("Camera").exposure!;
  expect(await remote.set(40)).toBe(40);
  // The owner's values message went out before its answer: the stand-in has it already.
  expect(remote.value).toBe(40);
  expect(camera.exposure.value).toBe(40);
  await hub.idle();
  expect(atLate).toEqual([40]);
  const refused = await failure(remote.set(-5));
  expect([refused.code, refused.remote?.message]).toEqual(["remote", "exposure must be positive"]);
  expect(camera.exposure.value).toBe(40);
  // Heartbeats do not resend values: a heartbeat's registry goes, and no values with it.
  await hub.idle();
  const before = hub.published;
  await hub.next("\0sunflare/registry");
  await hub.idle();
  expect(hub.topicsSince(before)).not.toContain("\0sunflare/values");
  await late.close();
  await close();
});
