import type { Transport } from "../src/index.js";
import { curveKeyPair, VirtualBus } from "../src/index.js";
import { Host, startMember } from "./helpers.js";

// Members come and go: shutdown, SIGKILL, a host that goes away; two buses
// never meet; CURVE keeps out a peer without the key.

// Short, to keep the tests fast; long enough for a loaded 2-core machine.
const heartbeatMs = 250;

/** Resolves with the first `left` event of `bus` for `member`. */
function leftOf(bus: VirtualBus, member: string): Promise<string> {
  return new Promise((resolve) => {
    const onLeft = (info: { member: string }, reason: string): void => {
      if (info.member !== member) return;
      bus.membership.off("left", onLeft);
      resolve(reason);
    };
    bus.membership.on("left", onLeft);
  });
}

test("a SIGKILLed member is withdrawn within 3 heartbeats; its connections wait and come back with it", async () => {
  const bus = new VirtualBus({ heartbeatMs, forwarder: { transport: "ipc" } });
  try {
    await bus.ready();
    bus.registerSignals(new Host());
    const pongs: number[] = [];
    // Not deferred: connected once the owner is known, and still it waits for it to come back.
    const first = startMember("process", { address: bus.address, heartbeatMs });
    const id = await first.live;
    const connection = bus.connect("Pinger", "sigPong", (n: number) => void pongs.push(n));
    await connection.ready;
    const left = leftOf(bus, id);
    const killedAt = Date.now();
    first.child!.kill("SIGKILL");
    expect(await left).toBe("silent");
    expect(Date.now() - killedAt).toBeLessThan(3 * heartbeatMs + 1000);
    expect(bus.has("Pinger")).toBe(false);
    expect(connection.pending).toBe(true);
    expect(bus.wiring()).toEqual([
      { owner: "Pinger", signal: "sigPong", slot: "(anonymous)", state: "pending", remote: false },
    ]);

    const second = startMember("process", { address: bus.address, heartbeatMs });
    await second.live;
    await connection.ready;
    expect(connection.connected).toBe(true);
    const answered = new Promise<number>((resolve) =>
      bus.signals("Pinger").sigPong!.connect(resolve, { once: true }),
    );
    bus.signals("Host").sigPing!.emit(4);
    expect(await answered).toBe(8);
    expect(pongs).toEqual([8]);
    second.shutdown();
    expect(await second.exited).toBe(0);
  } finally {
    await bus.shutdown();
  }
});

test("a member that shuts down leaves at once", async () => {
  const bus = new VirtualBus({ heartbeatMs: 60_000 });
  try {
    await bus.ready();
    bus.registerSignals(new Host());
    const member = startMember("worker", { address: bus.address, heartbeatMs: 60_000 });
    const id = await member.live;
    expect(bus.has("Pinger")).toBe(true);
    const left = leftOf(bus, id);
    member.shutdown();
    // With a one-minute heartbeat, only the leaving message explains this.
    expect(await left).toBe("left");
    expect(bus.has("Pinger")).toBe(false);
    expect(await member.exited).toBe(0);
  } finally {
    await bus.shutdown();
  }
});

test("deferred wiring when the member starts first: it connects once the host registers", async () => {
  const bus = new VirtualBus({ heartbeatMs });
  try {
    await bus.ready();
    const member = startMember("worker", { address: bus.address, heartbeatMs });
    // The member waits for Host (deferred) and is not live yet; Pinger shows up here.
    const pinger = new Promise<void>((resolve) => {
      const connection = bus.connect("Pinger", "sigPong", () => undefined, { deferred: true });
      void connection.ready.then(resolve);
    });
    await pinger;
    const host = new Host();
    bus.registerSignals(host);
    await member.live;
    const answered = new Promise<number>((resolve) =>
      bus.signals("Pinger").sigPong!.connect(resolve, { once: true }),
    );
    host.sigPing.emit(21);
    expect(await answered).toBe(42);
    member.shutdown();
    expect(await member.exited).toBe(0);
  } finally {
    await bus.shutdown();
  }
});

test.each<["worker" | "process", Transport]>([
  ["worker", "inproc"],
  ["process", "ipc"],
])(
  "host shutdown with a %s member alive (%s): the member reports it and closes",
  async (kind, transport) => {
    const bus = new VirtualBus({ heartbeatMs, forwarder: { transport } });
    await bus.ready();
    bus.registerSignals(new Host());
    const member = startMember(kind, { address: bus.address, heartbeatMs });
    await member.live;
    await bus.shutdown();
    expect(String(await member.next("closed"))).toMatch(/The host of this bus .* is gone/);
    expect(await member.exited).toBe(0);
  },
);

test("two buses never see each other's members", async () => {
  const one = new VirtualBus({ heartbeatMs });
  const two = new VirtualBus({ heartbeatMs });
  try {
    await Promise.all([one.ready(), two.ready()]);
    one.registerSignals(new Host(), { name: "One" });
    two.registerSignals(new Host(), { name: "Two" });
    const joined = (bus: VirtualBus): Promise<unknown> =>
      new Promise((resolve) => bus.membership.once("joined", resolve));
    const heard = Promise.all([joined(one), joined(two)]);
    const [memberOne, memberTwo] = await Promise.all([
      VirtualBus.join(one.address, { heartbeatMs }),
      VirtualBus.join(two.address, { heartbeatMs }),
    ]);
    await heard;
    try {
      expect(memberOne.names()).toEqual(["One"]);
      expect(memberTwo.names()).toEqual(["Two"]);
      expect(one.members().map((info) => info.member)).toEqual([one.member, memberOne.member]);
      expect(two.members().map((info) => info.member)).toEqual([two.member, memberTwo.member]);
    } finally {
      await Promise.all([memberOne.shutdown(), memberTwo.shutdown()]);
    }
  } finally {
    await Promise.all([one.shutdown(), two.shutdown()]);
  }
});

test("tcp with CURVE: a member joins with the key in the address; without it, it gets nothing", async () => {
  const bus = new VirtualBus({
    heartbeatMs,
    forwarder: { transport: "tcp", curve: curveKeyPair() },
  });
  try {
    await bus.ready();
    bus.registerSignals(new Host());
    const address = bus.address;
    expect(address.curveServerKey).toEqual(expect.any(String));
    // Through JSON, as another machine would get it.
    const member = await VirtualBus.join(JSON.parse(JSON.stringify(address)), { heartbeatMs });
    try {
      expect(member.has("Host")).toBe(true);
      const received = new Promise<number>((resolve) => {
        const connection = member.connect("Host", "sigPing", resolve);
        void connection.ready.then(() => bus.signals("Host").sigPing!.emit(3));
      });
      expect(await received).toBe(3);
    } finally {
      await member.shutdown();
    }
    const { curveServerKey: _key, ...withoutKey } = address;
    await expect(VirtualBus.join(withoutKey, { heartbeatMs, joinTimeoutMs: 1000 })).rejects.toThrow(
      /did not answer within 1000 ms/,
    );
  } finally {
    await bus.shutdown();
  }
});

test("membership starts at ready(), and only there: address is a plain read", async () => {
  const bus = new VirtualBus({ heartbeatMs });
  try {
    // Data streams alone do not open the bus to members.
    const subscriber = bus.connectSubscriber("data");
    await subscriber.ready();
    expect(bus.membership.running).toBe(false);
    expect(() => bus.address).toThrow(expect.objectContaining({ code: "not-ready" }));
    expect(bus.membership.running).toBe(false);
    await bus.ready();
    expect(bus.membership.running).toBe(true);
    const first = bus.address;
    expect(bus.address).toEqual(first);
    const member = await VirtualBus.join(first, { heartbeatMs });
    try {
      expect(member.address).toEqual(first);
      expect(() => member.forwarder).toThrow(expect.objectContaining({ code: "refused" }));
      expect(member.members().map((info) => info.member)).toEqual([member.member, bus.member]);
    } finally {
      await member.shutdown();
    }
  } finally {
    await bus.shutdown();
  }
  expect(() => bus.connectPublisher()).toThrow(expect.objectContaining({ code: "closed" }));
});
