import type { BusAddress, CurveKeyPair } from "../src/index.js";
import { curveKeyPair, Property, Signal, slot, VirtualBus } from "../src/index.js";
import type { Child } from "./child.js";
import { once, portOf, startChild } from "./child.js";
import { failure, known, recordingLogger } from "./helpers.js";

// A member made by VirtualBus.join outlives its host: a host SIGKILLed and a
// new host process started on the same tcp ports (with the same CURVE keys)
// is rejoined, after the loss was noticed or before.

const heartbeatMs = 200;

/** The member's plugin: answers the host's pings, has a property the host must learn. */
class Rejoiner {
  readonly sigPong = new Signal<[number]>();
  readonly mode = new Property("auto");

  @slot twice(value: number): number {
    return value * 2;
  }
}

interface HostData {
  host: string;
  publishPort: number;
  subscribePort: number;
  heartbeatMs: number;
  missedHeartbeats?: number;
  level: number;
  curve?: CurveKeyPair;
}

async function startHost(data: HostData): Promise<{ child: Child; address: BusAddress }> {
  const child = startChild("rejoin-host.ts", data);
  const { address } = await child.report((r) => "address" in r);
  return { child, address: address as BusAddress };
}

/** Joins `address` with Rejoiner, wired to the host's pings; resolves once the ping connection is live. */
async function joinWithRejoiner(
  address: BusAddress,
  host: Child,
  options: { rejoin?: boolean; heartbeatMs?: number; missedHeartbeats?: number } = {},
) {
  const logger = recordingLogger();
  const bus = await VirtualBus.join(address, { heartbeatMs, logger, ...options });
  const rejoiner = new Rejoiner();
  bus.registerSignals(rejoiner);
  const pings = bus.connect("Host", "sigPing", (n: number) => rejoiner.sigPong.emit(n * 10));
  await pings.ready;
  await host.report((r) => r.pongsLive === true);
  return { bus, rejoiner, pings, logger };
}

/** The host's pings reach the member and its pongs reach the host: both directions live. */
async function roundTrip(host: Child, n: number): Promise<void> {
  const pong = host.report((r) => r.pong === n * 10);
  host.send({ ping: n });
  await pong;
}

test("a member rejoins a new host process after its host was SIGKILLed: owners, connections, values, calls", async () => {
  const first = await startHost({
    host: "127.0.0.1",
    publishPort: 0,
    subscribePort: 0,
    heartbeatMs,
    level: 1,
  });
  const ports = {
    publishPort: portOf(first.address.publishAddress),
    subscribePort: portOf(first.address.subscribeAddress),
  };
  const { bus, pings, logger } = await joinWithRejoiner(first.address, first.child);
  let second: { child: Child; address: BusAddress } | undefined;
  try {
    await roundTrip(first.child, 1);
    expect(bus.state).toBe("joined");
    expect(bus.properties("Host").level!.value).toBe(1);
    const hanging = bus.call("Host", "hang");
    const states: string[] = [];
    bus.membership.on("state", (state) => states.push(state));

    const lost = once(bus.membership, "host-lost");
    first.child.process.kill("SIGKILL");
    const [info, reason] = (await lost) as [{ member: string }, string];
    expect(info.member).toBe(first.address.host);
    expect(reason).toBe("silent");
    expect(bus.state).toBe("rejoining");
    expect((await failure(hanging)).code).toBe("gone");
    expect(pings.pending).toBe(true);
    expect(bus.has("Host")).toBe(false);
    // The plugins stay.
    expect(bus.has("Rejoiner")).toBe(true);

    const rejoined = once(bus.membership, "rejoined");
    second = await startHost({ host: "127.0.0.1", ...ports, heartbeatMs, level: 2 });
    const answeredAt = Date.now();
    const [newHost] = (await rejoined) as [string];
    expect(Date.now() - answeredAt).toBeLessThan(2000 + 5 * heartbeatMs);
    expect(newHost).toBe(second.address.host);
    expect(bus.state).toBe("joined");
    expect(states).toEqual(["rejoining", "joined"]);
    expect(bus.address.host).toBe(second.address.host);
    // The new host's values are known here, and this member's were announced to it.
    expect(bus.properties("Host").level!.value).toBe(2);
    expect((await second.child.report((r) => r.registered === "Rejoiner")).mode).toBe("auto");
    await pings.ready;
    await second.child.report((r) => r.pongsLive === true);
    await roundTrip(second.child, 2);
    expect(await bus.call("Host", "echo", ["back"])).toBe("back");
    const all = [
      ...logger.warnings,
      ...logger.errors,
      ...second.child.reports.map((r) => (typeof r.warning === "string" ? r.warning : "")),
    ];
    expect(all.filter((text) => text.includes("is registered by member"))).toEqual([]);
  } finally {
    await bus.shutdown();
    first.child.process.kill("SIGKILL");
    second?.child.process.kill("SIGKILL");
  }
});

test("a host restarted before the member noticed (CURVE, same keys) replaces the old one at once", async () => {
  const curve = curveKeyPair();
  // A silence window far longer than the test: only the new host's id can tell the member.
  const slow = { heartbeatMs: 200, missedHeartbeats: 100 };
  const first = await startHost({
    host: "127.0.0.1",
    publishPort: 0,
    subscribePort: 0,
    level: 1,
    curve,
    ...slow,
  });
  expect(first.address.curveServerKey).toBe(curve.publicKey);
  const ports = {
    publishPort: portOf(first.address.publishAddress),
    subscribePort: portOf(first.address.subscribeAddress),
  };
  const logger = recordingLogger();
  const bus = await VirtualBus.join(first.address, { ...slow, logger });
  let second: { child: Child; address: BusAddress } | undefined;
  try {
    const rejoiner = new Rejoiner();
    bus.registerSignals(rejoiner);
    const pings = bus.connect("Host", "sigPing", (n: number) => rejoiner.sigPong.emit(n * 10));
    await pings.ready;
    await first.child.report((r) => r.pongsLive === true);
    const hanging = bus.call("Host", "hang");

    first.child.process.kill("SIGKILL");
    await first.child.exited;
    const lost = once(bus.membership, "host-lost");
    const rejoined = once(bus.membership, "rejoined");
    second = await startHost({ host: "127.0.0.1", ...ports, level: 2, curve, ...slow });
    const [, reason] = (await lost) as [unknown, string];
    expect(reason).toBe("replaced");
    expect((await failure(hanging)).code).toBe("gone");
    expect((await rejoined)[0]).toBe(second.address.host);
    await pings.ready;
    await known(bus, "Host");
    expect(bus.properties("Host").level!.value).toBe(2);
    await second.child.report((r) => r.pongsLive === true);
    await roundTrip(second.child, 3);
    const all = [
      ...logger.warnings,
      ...logger.errors,
      ...second.child.reports.map((r) => (typeof r.warning === "string" ? r.warning : "")),
    ];
    expect(all.filter((text) => text.includes("is registered by member"))).toEqual([]);
  } finally {
    await bus.shutdown();
    first.child.process.kill("SIGKILL");
    second?.child.process.kill("SIGKILL");
  }
});

test("join(address, { rejoin: false }) closes when its host is gone, and says it leaves", async () => {
  // A silence window far longer than the test: the member learns of the loss from the new
  // host's id, so the new host is there to hear its leaving however slowly it starts.
  const slow = { heartbeatMs: 200, missedHeartbeats: 100 };
  const first = await startHost({
    host: "127.0.0.1",
    publishPort: 0,
    subscribePort: 0,
    level: 1,
    ...slow,
  });
  const ports = {
    publishPort: portOf(first.address.publishAddress),
    subscribePort: portOf(first.address.subscribeAddress),
  };
  const { bus } = await joinWithRejoiner(first.address, first.child, { rejoin: false, ...slow });
  let second: { child: Child; address: BusAddress } | undefined;
  try {
    const closed = once(bus.membership, "closed");
    first.child.process.kill("SIGKILL");
    await first.child.exited;
    // A new host on the same ports hears this member's registry, then its leaving message.
    second = await startHost({ host: "127.0.0.1", ...ports, ...slow, level: 2 });
    const [reason] = (await closed) as [string | undefined];
    expect(reason).toMatch(/is gone|replaced/);
    expect(bus.state).toBe("closed");
    const left = await second.child.report((r) => r.left === bus.member);
    expect(left.reason).toBe("left");
  } finally {
    await bus.shutdown();
    first.child.process.kill("SIGKILL");
    second?.child.process.kill("SIGKILL");
  }
});
