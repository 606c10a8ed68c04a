import { spawn } from "node:child_process";
import { join } from "node:path";
import { asNDArray, ClosedError, ndarray, topicPath, VirtualBus } from "../src/index.js";
import { tsArgs } from "@sunflare/jest-config/run-ts";

let bus: VirtualBus;
beforeEach(() => {
  bus = new VirtualBus();
});
afterEach(() => bus.shutdown());

test("a publisher/subscriber pair on the bus carries encoded values and NDArrays", async () => {
  const subscriber = bus.connectSubscriber(topicPath("camera"));
  const publisher = bus.connectPublisher();
  await subscriber.ready();
  const image = ndarray(new Uint16Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  await publisher.send(topicPath("camera", "frames"), { index: 0, image });
  const message = await subscriber.receive();
  expect(message.topic).toBe("camera/frames");
  const { index, image: wire } = message.value as { index: number; image: unknown };
  const received = asNDArray(wire);
  expect(index).toBe(0);
  expect([received.dtype, received.shape, [...received.data]]).toEqual([
    "uint16",
    [2, 3],
    [1, 2, 3, 4, 5, 6],
  ]);
});

test("a raw message reaches a catch-all subscriber", async () => {
  const subscriber = bus.connectSubscriber();
  const publisher = bus.connectPublisher();
  await subscriber.ready();
  await publisher.sendFrames(["raw", "payload"]);
  const message = await subscriber.receive();
  expect(message.frames.map((frame) => Buffer.from(frame).toString())).toEqual(["raw", "payload"]);
});

test("shutdown() ends a waiting iterator and a pending receive, and is idempotent", async () => {
  const iterated = bus.connectSubscriber("a");
  const received = bus.connectSubscriber("b");
  await Promise.all([iterated.ready(), received.ready()]);
  const loop = (async () => {
    const seen: unknown[] = [];
    for await (const message of iterated) seen.push(message.value);
    return seen;
  })();
  const pending = expect(received.receive()).rejects.toBeInstanceOf(ClosedError);
  await Promise.all([bus.shutdown(), bus.shutdown()]);
  await expect(loop).resolves.toEqual([]);
  await pending;
  expect(bus.isShutdown).toBe(true);
  expect(() => bus.connectPublisher()).toThrow(/shut down/);
});

test("Symbol.asyncDispose shuts the bus down", async () => {
  const local = new VirtualBus();
  const subscriber = local.connectSubscriber();
  await subscriber.ready();
  await local[Symbol.asyncDispose]();
  expect(subscriber.closed).toBe(true);
  expect(local.forwarder.running).toBe(false);
});

test("two buses in one process do not see each other's messages", async () => {
  const other = new VirtualBus();
  try {
    const mine = bus.connectSubscriber();
    const theirs = other.connectSubscriber();
    await Promise.all([mine.ready(), theirs.ready()]);
    await other.connectPublisher().send("theirs", 1);
    await bus.connectPublisher().send("mine", 2);
    expect((await mine.receive()).topic).toBe("mine");
    expect((await theirs.receive()).topic).toBe("theirs");
  } finally {
    await other.shutdown();
  }
});

test("ready() binds the forwarder so its tcp addresses are final", async () => {
  const tcp = new VirtualBus({ forwarder: { transport: "tcp" } });
  await tcp.ready();
  expect(tcp.forwarder.publishAddress).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  await tcp.shutdown();
});

test("a script that creates a bus, uses it and calls shutdown() exits by itself within 2 s", async () => {
  const child = spawn(
    process.execPath,
    [...tsArgs(), join(__dirname, "fixtures", "bus-script.ts")],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  // The script prints when it called shutdown(); from then on it must leave on its own.
  await new Promise<void>((resolve) => {
    child.stdout.on("data", () => {
      if (output.includes("shutdown called")) resolve();
    });
  });
  const shutdownAt = performance.now();
  expect(await exited).toBe(0);
  expect(performance.now() - shutdownAt).toBeLessThan(2000);
  expect(output).toContain("received 42");
});

test("the members' protocol subscribers are no audience for a publisher's data", async () => {
  await bus.ready();
  const member = await VirtualBus.join(bus.address);
  try {
    const publisher = bus.connectPublisher();
    // Reads every subscription notice queued so far: the host's and the member's included.
    await publisher.waitForSubscribers(0);
    expect(publisher.subscribers).toBe(0);
    const subscriber = member.connectSubscriber("data");
    await subscriber.ready();
    await publisher.waitForSubscribers(1);
    expect(publisher.subscribers).toBe(1);
  } finally {
    await member.shutdown();
  }
});
