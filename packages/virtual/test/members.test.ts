import type { Transport } from "../src/index.js";
import { EncodeError, ndarray, VirtualBus } from "../src/index.js";
import { Host, startMember, until } from "./helpers.js";

// A host and a member in a worker thread or a child process wire their
// signals by name, both ways, through the bus (see fixtures/member.ts).

const cases: ["worker" | "process", Transport][] = [
  ["worker", "inproc"],
  ["process", "ipc"],
  ["process", "tcp"],
];

test.each(cases)(
  "a %s member (%s) and the host wire by name both ways; 1,000 emissions arrive in order",
  async (kind, transport) => {
    const bus = new VirtualBus({ heartbeatMs: 200, forwarder: { transport } });
    try {
      await bus.ready();
      const host = new Host();
      bus.registerSignals(host);
      const pongs: number[] = [];
      const count = 1000;
      const all = until(() => pongs.length === count);
      // Deferred: the member registers Pinger after it joined.
      const connection = bus.connect(
        "Pinger",
        "sigPong",
        (n: number) => {
          pongs.push(n);
          all.check();
        },
        { deferred: true },
      );
      expect(connection.pending).toBe(true);
      const member = startMember(kind, { address: bus.address, heartbeatMs: 200 });
      const id = await member.live;
      await connection.ready;
      expect(bus.wiring()).toEqual([
        { owner: "Pinger", signal: "sigPong", slot: "(anonymous)", state: "live", remote: true },
      ]);
      expect(bus.members()).toEqual([
        { member: bus.member, owners: ["Host"], here: true },
        { member: id, owners: ["Pinger"], here: false },
      ]);
      for (let i = 0; i < count; i++) host.sigPing.emit(i);
      await all.done;
      expect(pongs).toEqual(Array.from({ length: count }, (_, i) => 2 * i));

      // An NDArray argument crosses; the member answers with its sum.
      pongs.length = 0;
      const one = until(() => pongs.length === 1);
      connection.ready.then(
        () => undefined,
        () => undefined,
      );
      const answered = new Promise<number>((resolve) =>
        bus.signals("Pinger").sigPong!.connect((n: number) => resolve(n), { once: true }),
      );
      host.sigArray.emit(ndarray(new Uint16Array([1, 2, 3, 4, 5, 6]), [2, 3]));
      expect(await answered).toBe(21);
      void one;

      member.shutdown();
      expect(await member.next("closed")).toBe("shutdown");
      expect(await member.exited).toBe(0);
    } finally {
      await bus.shutdown();
    }
  },
);

test("a slot that throws in a member is reported there; the host's emit does not throw", async () => {
  const bus = new VirtualBus({ heartbeatMs: 200 });
  try {
    await bus.ready();
    const host = new Host();
    bus.registerSignals(host);
    const member = startMember("worker", { address: bus.address, heartbeatMs: 200 });
    await member.live;
    expect(() => host.sigThrow.emit(7)).not.toThrow();
    expect(await member.next("error")).toBe(
      "A slot of Host.sigThrow failed on an emission from another member.",
    );
    member.shutdown();
    expect(await member.exited).toBe(0);
  } finally {
    await bus.shutdown();
  }
});

test("an argument the codec cannot encode: emit throws after the local slots ran, nothing is sent", async () => {
  const bus = new VirtualBus({ heartbeatMs: 200 });
  try {
    await bus.ready();
    const host = new Host();
    bus.registerSignals(host);
    const local: unknown[] = [];
    host.sigPing.connect((n) => void local.push(n));
    const pongs: number[] = [];
    const member = startMember("worker", { address: bus.address, heartbeatMs: 200 });
    await member.live;
    const connection = bus.connect("Pinger", "sigPong", (n: number) => void pongs.push(n));
    await connection.ready;
    const answered = new Promise<number>((resolve) =>
      bus.signals("Pinger").sigPong!.connect((n: number) => resolve(n), { once: true }),
    );
    const unencodable = (() => 1) as unknown as number;
    let thrown: unknown;
    try {
      host.sigPing.emit(unencodable);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as AggregateError).errors[0]).toBeInstanceOf(EncodeError);
    expect(local).toEqual([unencodable]);
    // Emissions keep their order: had the first gone out, its answer would come first.
    host.sigPing.emit(5);
    expect(await answered).toBe(10);
    expect(pongs).toEqual([10]);
    member.shutdown();
    expect(await member.exited).toBe(0);
  } finally {
    await bus.shutdown();
  }
});

test("a catch-all data subscriber sees no signal traffic", async () => {
  const bus = new VirtualBus({ heartbeatMs: 200 });
  try {
    await bus.ready();
    const data = bus.connectSubscriber();
    await data.ready();
    const host = new Host();
    bus.registerSignals(host);
    const member = startMember("worker", { address: bus.address, heartbeatMs: 200 });
    await member.live;
    let answer!: (value: number) => void;
    const answered = new Promise<number>((resolve) => (answer = resolve));
    await bus.connect("Pinger", "sigPong", (n: number) => answer(n)).ready;
    host.sigPing.emit(1);
    expect(await answered).toBe(2);
    member.shutdown();
    expect(await member.exited).toBe(0);
    // Hello, registries, heartbeats, emissions and leaving all went by; the
    // first message this subscriber gets is this data message.
    await bus.connectPublisher().send("data/end", 1);
    expect((await data.receive()).topic).toBe("data/end");
  } finally {
    await bus.shutdown();
  }
});
