import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { decode } from "@sunflare/codec";
import { tsWorker } from "@sunflare/jest-config/run-ts";
import * as zmq from "zeromq";
import { Forwarder, Subscriber } from "../src/index.js";
import { queryObservers } from "../src/threads.js";
import { presenceTopic } from "../src/topic.js";
import { addressesOf, countTurns, releaseAfterEach } from "./helpers.js";

const fixture = (name: string): string => join(__dirname, "fixtures", name);
const { open, stopAfter } = releaseAfterEach();
// A test that failed must not leave a worker blocked: jest would never end.
const unblock: (() => void)[] = [];
afterEach(() => {
  for (const release of unblock.splice(0)) release();
});

interface Blocked {
  worker: Worker;
  exited: Promise<number>;
  release(): void;
}

/** A worker thread that opened a publisher or subscriber and now blocks its event loop. */
async function blockedWorker(
  forwarder: Forwarder,
  opened: "publisher" | "subscriber",
  then: "exit" | "carry-on",
  count = 0,
): Promise<Blocked> {
  const gate = new SharedArrayBuffer(4);
  const worker = tsWorker(fixture("blocked-worker.ts"), {
    addresses: addressesOf(forwarder),
    open: opened,
    then,
    gate,
    count,
  });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  await new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const release = (): void => {
    const word = new Int32Array(gate);
    Atomics.store(word, 0, 1);
    Atomics.notify(word, 0);
  };
  unblock.push(() => {
    release();
    worker.postMessage("go");
  });
  return { worker, exited, release };
}

/** Resolves with the slots of the next query this thread posts to other threads. */
function nextQuery(): Promise<readonly number[]> {
  return new Promise((resolve) => {
    const observe = (to: readonly number[]): void => {
      queryObservers.delete(observe);
      resolve(to);
    };
    queryObservers.add(observe);
  });
}

async function startedForwarder(): Promise<Forwarder> {
  const forwarder = stopAfter(new Forwarder());
  await forwarder.start();
  return forwarder;
}

test("ready() on the main thread waits for a publisher in a worker thread to confirm", async () => {
  const forwarder = await startedForwarder();
  const count = 200;
  const { worker, exited, release } = await blockedWorker(
    forwarder,
    "publisher",
    "carry-on",
    count,
  );
  const subscriber = open(new Subscriber(forwarder, { topics: "data" }));
  const asked = nextQuery();
  let ready = false;
  const readied = subscriber.ready().then(() => (ready = true));
  // The subscription reached the forwarder; the worker, blocked, cannot confirm yet.
  expect((await asked).length).toBeGreaterThanOrEqual(1);
  expect(ready).toBe(false);
  release();
  await readied;
  // No waitForSubscribers in the worker: it sends the moment it is told.
  worker.postMessage("go");
  const values: unknown[] = [];
  for await (const message of subscriber) {
    values.push(message.value);
    if (values.length === count) break;
  }
  expect(values).toEqual(Array.from({ length: count }, (_, i) => i));
  expect(await exited).toBe(0);
});

test("a worker thread that exits while ready() waits for it counts as confirmed", async () => {
  const forwarder = await startedForwarder();
  const { exited, release } = await blockedWorker(forwarder, "publisher", "exit");
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  const asked = nextQuery();
  const readied = subscriber.ready();
  expect((await asked).length).toBeGreaterThanOrEqual(1);
  release();
  await readied;
  expect(await exited).toBe(0);
});

test("ready() does not wait for a worker thread that has no publishers", async () => {
  const forwarder = await startedForwarder();
  const { exited, release } = await blockedWorker(forwarder, "subscriber", "exit");
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  // Resolves while the worker is still blocked.
  await subscriber.ready();
  release();
  expect(await exited).toBe(0);
});

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
