import type { Transport } from "../src/index.js";
import { Property, VirtualBus } from "../src/index.js";
import { failure, known, startMember } from "./helpers.js";
import type { StartedMember } from "./helpers.js";

// Calls and properties across a worker thread and child processes over ipc
// and tcp: fixtures/stage.ts owns "Stage"; the host owns "Camera" and "Host".

// Calls keep a member alive between heartbeats; under load, a short window still risks a
// member being taken for dead, so only the SIGKILL test runs with one.
const killHeartbeatMs = 250;

class Camera {
  readonly exposure = new Property(10);
}

async function withStage(
  kind: "worker" | "process",
  transport: Transport,
  run: (bus: VirtualBus, member: StartedMember) => Promise<void>,
  heartbeatMs = 1000,
): Promise<void> {
  const bus = new VirtualBus({ heartbeatMs, forwarder: { transport } });
  let member: StartedMember | undefined;
  try {
    await bus.ready();
    const camera = new Camera();
    bus.registerSignals(camera);
    await camera.exposure.set(25);
    bus.registerSignals({ add: (a: number, b: number) => a + b }, { name: "Host", slots: ["add"] });
    member = startMember(kind, { address: bus.address, heartbeatMs }, undefined, "stage.ts");
    await Promise.all([member.live, known(bus, "Stage")]);
    await run(bus, member);
  } finally {
    member?.shutdown();
    await member?.exited;
    await bus.shutdown();
  }
}

describe.each([
  ["worker", "inproc"],
  ["process", "ipc"],
  ["process", "tcp"],
] as const)("a %s over %s", (kind, transport) => {
  test("calls both ways: results, progress in order, errors with their codes", async () => {
    await withStage(kind, transport, async (bus, member) => {
      // The member joined late: it saw Camera with its current exposure, and called the host.
      expect(await member.next("camera")).toBe(25);
      expect(await member.next("added")).toBe(42);
      expect(bus.registry.slots("Stage").sort()).toEqual([
        "echo",
        "fail",
        "hold",
        "moveTo",
        "spin",
      ]);

      const move = bus.call("Stage", "moveTo", [4, 8]);
      const progress: unknown[] = [];
      move.progress.connect((at) => progress.push(at));
      expect(await move).toEqual([4, 8]);
      expect(progress).toEqual([
        [1, 2],
        [2, 4],
        [3, 6],
        [4, 8],
      ]);
      expect(await member.next("finally")).toBe("moveTo 4,8");

      const jammed = await failure(bus.call("Stage", "fail"));
      expect([jammed.code, jammed.remote?.name, jammed.remote?.message]).toEqual([
        "remote",
        "TypeError",
        "the stage is jammed",
      ]);
      expect(jammed.remote?.stack).toMatch(/jammed/);
      expect((await failure(bus.call("Stage", "teleport"))).code).toBe("unknown");
      expect((await failure(bus.call("Stage", "echo", [Symbol("x")]))).code).toBe("encode");
      expect((await failure(bus.call("Stage", "hold", [], { timeoutMs: 100 }))).code).toBe(
        "timeout",
      );

      const spin = bus.call("Stage", "spin");
      await spin.progress.next();
      spin.cancel();
      expect((await failure(spin)).code).toBe("aborted");
      // The owner's finally ran: the generator was returned there.
      expect(await member.report((report) => report.finally === "spin")).toEqual({
        finally: "spin",
      });
    });
  });

  test("1,000 concurrent calls are all answered; properties are read, set and refused", async () => {
    await withStage(kind, transport, async (bus) => {
      const calls = Array.from({ length: 1000 }, (_, i) => bus.call("Stage", "echo", [i]));
      expect(await Promise.all(calls)).toEqual(Array.from({ length: 1000 }, (_, i) => i));

      const { position, speed } = bus.properties("Stage");
      expect(position!.value).toEqual([0, 0]);
      const moved = position!.changed.next();
      await bus.call("Stage", "moveTo", [1, 1]);
      expect(await moved).toEqual([[1, 1]]);
      expect(position!.value).toEqual([1, 1]);
      expect(await speed!.set(5)).toBe(5);
      expect(speed!.value).toBe(5);
      const refused = await failure(speed!.set(50));
      expect([refused.code, refused.remote?.message]).toEqual([
        "remote",
        "speed 50 is out of range",
      ]);
      expect(speed!.value).toBe(5);
    });
  });
});

test("a SIGKILLed owner's pending calls reject with code gone within the heartbeat window", async () => {
  await withStage(
    "process",
    "ipc",
    async (bus, member) => {
      const held = failure(bus.call("Stage", "hold"));
      const ticking = bus.call("Stage", "spin");
      await ticking.progress.next();
      const killedAt = Date.now();
      member.child!.kill("SIGKILL");
      const [first, second] = await Promise.all([held, failure(ticking)]);
      expect([first.code, second.code]).toEqual(["gone", "gone"]);
      expect(Date.now() - killedAt).toBeLessThan(3 * killHeartbeatMs + 1000);
      expect(bus.has("Stage")).toBe(false);
    },
    killHeartbeatMs,
  );
});
