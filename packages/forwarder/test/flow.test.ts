import type { Message } from "../src/index.js";
import { Forwarder, Publisher, Subscriber } from "../src/index.js";
import { countTurns, releaseAfterEach } from "./helpers.js";

// The flow-control policy of the README, "Flow control", one test per promise.

const { open, stopAfter: start } = releaseAfterEach();
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// High-water marks count ZeroMQ messages: with bundles (the default over
// inproc) one holds up to 256 messages, so those runs send ten times more.
const wires = [
  { wire: "one ZeroMQ message per send", bundle: false, scale: 1 },
  { wire: "bundles", bundle: true, scale: 10 },
];

test.each(wires)(
  "a slow subscriber loses only its own messages, countable from sequence gaps; nobody else waits ($wire)",
  async ({ bundle, scale }) => {
    const total = 5000 * scale;
    const forwarder = start(new Forwarder({ highWaterMark: 100 }));
    const fast: number[] = [];
    let fastDone!: () => void;
    const fastFinished = new Promise<void>((resolve) => (fastDone = resolve));
    const fastSubscriber = open(
      new Subscriber(forwarder, {
        topics: "seq",
        consume: (message) => {
          fast.push(message.value as number);
          if (fast.length === total) fastDone();
        },
      }),
    );
    // The slow subscriber reads nothing while the stream runs.
    const slow = open(new Subscriber(forwarder, { topics: ["seq", "end"], highWaterMark: 20 }));
    const publisher = open(new Publisher(forwarder, { bundle }));
    await Promise.all([fastSubscriber.ready(), slow.ready()]);

    for (let i = 0; i < total; i++) await publisher.send("seq", i);
    // The publisher got through the whole stream although one subscriber is stuck.
    await fastFinished;
    expect(fast).toEqual(Array.from({ length: total }, (_, i) => i));

    // Now the slow one catches up; end markers are repeated until one fits in its queue.
    const received: number[] = [];
    const draining = (async () => {
      for await (const message of slow) {
        if (message.topic === "end") return;
        received.push(message.value as number);
      }
    })();
    let finished = false;
    void draining.then(() => (finished = true));
    while (!finished) {
      await publisher.send("end", null);
      await turn();
    }
    await draining;
    const lost = total - received.length;
    expect(lost).toBeGreaterThan(0);
    expect(received.length).toBeGreaterThanOrEqual(100);
    // What it kept is the oldest part of the stream, in order: ZeroMQ drops the newest.
    expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i));
  },
);

test("a noDrop subscriber loses nothing, without slowing the publisher", async () => {
  const total = 5000;
  const forwarder = start(new Forwarder({ highWaterMark: 100 }));
  const subscriber = open(new Subscriber(forwarder, { topics: "seq", noDrop: true }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  // The subscriber does not read until the whole stream was sent.
  for (let i = 0; i < total; i++) await publisher.send("seq", i);
  const received: number[] = [];
  for await (const message of subscriber) {
    received.push(message.value as number);
    if (received.length === total) break;
  }
  expect(received).toEqual(Array.from({ length: total }, (_, i) => i));
});

test.each(wires)(
  "a noDrop forwarder makes the publisher wait for the slowest subscriber instead of dropping ($wire)",
  async ({ bundle, scale }) => {
    const total = 2000 * scale;
    const forwarder = start(new Forwarder({ noDrop: true, highWaterMark: 10 }));
    const subscriber = open(new Subscriber(forwarder, { topics: "seq", highWaterMark: 10 }));
    const publisher = open(new Publisher(forwarder, { highWaterMark: 10, bundle }));
    await subscriber.ready();
    let sent = false;
    const sending = (async () => {
      for (let i = 0; i < total; i++) await publisher.send("seq", i);
      sent = true;
    })();
    const received: Message[] = [];
    received.push(await subscriber.receive());
    // Queues hold far fewer than `total` messages, so the publisher must still be waiting.
    expect(sent).toBe(false);
    while (received.length < total) received.push(await subscriber.receive());
    await sending;
    expect(received.map((message) => message.value)).toEqual(
      Array.from({ length: total }, (_, i) => i),
    );
  },
);

test("a publisher sending back to back lets the event loop run", async () => {
  const count = 20_000;
  const forwarder = start(new Forwarder());
  // Unbounded on the receiving side, so the sends never wait for room.
  const subscriber = open(new Subscriber(forwarder, { topics: "t", noDrop: true }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  const turns = countTurns();
  for (let i = 0; i < count; i++) await publisher.send("t", i);
  // Each send resolves at once; the publisher still yields every 256 sends.
  expect(turns.stop()).toBeGreaterThanOrEqual(Math.floor(count / 256) / 2);
});
