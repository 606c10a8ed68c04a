import { join } from "node:path";
import { decode } from "@sunflare/codec";
import { tsWorker } from "@sunflare/jest-config/run-ts";
import * as zmq from "zeromq";
import { Subscriber } from "../src/index.js";
import { presenceTopic } from "../src/topic.js";
import { addressesOf, countTurns, readWire, releaseAfterEach } from "./helpers.js";

const fixture = (name: string): string => join(__dirname, "fixtures", name);
const { open, startedForwarder } = releaseAfterEach();

test("a subscriber flooded from another thread leaves the event loop its turns", async () => {
  const forwarder = await startedForwarder();
  const count = 20_000;
  const warmup = 1000;
  let received = 0;
  let turns: ReturnType<typeof countTurns> | undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  open(
    new Subscriber(forwarder, {
      topics: "flood",
      noDrop: true,
      consume: () => {
        // A consumer slower than the sender, so that messages stay queued.
        for (const started = performance.now(); performance.now() - started < 0.01;);
        // Turns are counted once the stream is flowing (its start is uneven).
        if (++received === warmup) turns = countTurns();
        if (received === count) done();
      },
    }),
  );
  const worker = tsWorker(fixture("worker-flood.ts"), {
    addresses: addressesOf(forwarder),
    count,
  });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  await finished;
  // Messages that are already queued resolve at once; the subscriber still
  // lets the event loop run at least once every 256 of them.
  expect(turns?.stop()).toBeGreaterThanOrEqual(Math.floor((count - warmup) / 256) / 2);
  expect(await exited).toBe(0);
});

test("a publisher in a worker thread sends one ZeroMQ message per send by default, not bundles", async () => {
  const forwarder = await startedForwarder();
  const count = 300;
  // A raw reader, counted by waitForSubscribers through a presence topic
  // after its topic (see the README, "Peers in other languages").
  const raw = open(new zmq.Subscriber({ linger: 0 }));
  raw.connect(forwarder.subscribeAddress);
  raw.subscribe("flood", presenceTopic("raw-reader", 0));
  const worker = tsWorker(fixture("worker-flood.ts"), {
    addresses: addressesOf(forwarder),
    count,
  });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  const received: unknown[] = [];
  while (received.length < count) {
    const frames = await raw.receive();
    expect(frames).toHaveLength(2);
    received.push(decode(frames[1]!));
  }
  expect(received).toEqual(Array.from({ length: count }, (_, i) => i));
  expect(await exited).toBe(0);
});

test('a worker\'s publisher with `bundle: "copied"` sends copied bundles, read intact after the worker ended', async () => {
  const forwarder = await startedForwarder();
  const count = 600;
  const subscriber = open(new Subscriber(forwarder, { topics: "copied" }));
  await subscriber.ready();
  const raw = open(new zmq.Subscriber({ linger: 0 }));
  raw.connect(forwarder.subscribeAddress);
  raw.subscribe("copied", presenceTopic("raw-reader", 0));
  const worker = tsWorker(fixture("worker-copied.ts"), {
    addresses: addressesOf(forwarder),
    count,
    subscribers: 2,
  });
  // Nothing is read before the worker is gone: every message outlives it.
  expect(await new Promise<number>((resolve) => worker.once("exit", resolve))).toBe(0);

  const expected = Array.from({ length: count }, (_, i) => ({
    i,
    bytes: Buffer.alloc(64, i % 256),
  }));
  const values: unknown[] = [];
  for await (const message of subscriber) {
    values.push(message.value);
    if (values.length === count) break;
  }
  expect(values).toEqual(expected);
  const wire = await readWire(raw, count);
  expect(wire.length).toBeLessThan(count / 100);
  expect(wire.every(([, kind]) => kind === "copied bundle")).toBe(true);
});
