import { decode, encode } from "@sunflare/codec";
import type { Transport } from "../src/index.js";
import { ClosedError, Forwarder, Publisher, Subscriber } from "../src/index.js";
import type { Wire } from "./helpers.js";
import { countTurns, readWire, releaseAfterEach, take, wireReader } from "./helpers.js";

// The package README, "Bundles": what travels on the wire, what subscribers
// hand out, and what close() owes to sends that resolved.

const { open, stopAfter } = releaseAfterEach();
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const rawSubscriber = wireReader(open);
const sequence = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

test("over inproc, an async loop's sends travel as bundles and arrive one by one, each with its own [topic, body]", async () => {
  const count = 600;
  const forwarder = stopAfter(new Forwarder());
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  const raw = await rawSubscriber(forwarder, publisher, "t");

  const receiving = take(subscriber, count);
  for (let i = 0; i < count; i++) await publisher.send("t", i);
  const messages = await receiving;
  expect(messages.map((message) => message.value)).toEqual(sequence(count));
  for (const [i, message] of messages.entries()) {
    expect(message.topic).toBe("t");
    expect(message.frames).toHaveLength(2);
    expect(message.frames[0]).toEqual(Buffer.from("t"));
    expect(decode(message.frames[1]!)).toBe(i);
  }

  const wire = await readWire(raw, count);
  // Up to 256 messages a bundle: a handful of ZeroMQ messages, not 600.
  expect(wire.length).toBeLessThanOrEqual(6);
  expect(wire.every(([topic, kind]) => topic === "t" && kind === "bundle")).toBe(true);
  expect(Math.max(...wire.map(([, , carried]) => carried))).toBe(256);
});

test("a bundle holds consecutive messages of one topic only: the order across topics is kept", async () => {
  const forwarder = stopAfter(new Forwarder());
  const subscriber = open(new Subscriber(forwarder, { topics: ["a", "b"] }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  const raw = await rawSubscriber(forwarder, publisher, "");

  // One tick, nothing awaited in between.
  const sent = [
    ["a", 0],
    ["a", 1],
    ["b", 2],
    ["a", 3],
    ["b", 4],
    ["b", 5],
  ] as const;
  await Promise.all(sent.map(([topic, value]) => publisher.send(topic, value)));
  const received = await take(subscriber, sent.length);
  expect(received.map((message) => [message.topic, message.value])).toEqual(sent);
  expect(await readWire(raw, sent.length)).toEqual([
    ["a", "bundle", 2],
    ["b", "plain", 1],
    ["a", "plain", 1],
    ["b", "bundle", 2],
  ]);
});

test("sendFrames goes out after the messages held before it", async () => {
  const forwarder = stopAfter(new Forwarder());
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  await Promise.all([
    publisher.send("t", 0),
    publisher.send("t", 1),
    publisher.sendFrames(["t", encode(2)]),
    publisher.send("t", 3),
  ]);
  expect((await take(subscriber, 4)).map((message) => message.value)).toEqual([0, 1, 2, 3]);
});

test.each<{ transport: Transport; bundle?: boolean; expected: Wire["1"] }>([
  { transport: "inproc", bundle: false, expected: "plain" },
  { transport: "tcp", expected: "plain" },
  { transport: "ipc", expected: "plain" },
  { transport: "tcp", bundle: true, expected: "bundle" },
])(
  "over $transport with bundle: $bundle, an async loop's sends travel as $expected ZeroMQ messages",
  async ({ transport, bundle, expected }) => {
    const count = 300;
    const forwarder = stopAfter(new Forwarder({ transport }));
    const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
    const publisher = open(new Publisher(forwarder, { bundle }));
    await subscriber.ready();
    const raw = await rawSubscriber(forwarder, publisher, "t");
    const receiving = take(subscriber, count);
    for (let i = 0; i < count; i++) await publisher.send("t", i);
    expect((await receiving).map((message) => message.value)).toEqual(sequence(count));
    const wire = await readWire(raw, count);
    expect(wire.every(([, kind]) => kind === expected)).toBe(true);
  },
);

test("after close, every message whose send resolved is delivered, even from a full queue", async () => {
  // The subscriber reads nothing at first: the queues fill until a send
  // stops resolving at once.
  const forwarder = stopAfter(new Forwarder({ noDrop: true, highWaterMark: 10 }));
  const subscriber = open(new Subscriber(forwarder, { topics: "seq", highWaterMark: 10 }));
  const publisher = open(new Publisher(forwarder, { highWaterMark: 10, linger: 60_000 }));
  await subscriber.ready();
  let resolved = 0;
  let pending: Promise<void> | undefined;
  while (pending === undefined) {
    const sent = publisher.send("seq", resolved);
    // A send may yield one turn of the event loop; one waiting for room takes more.
    const waited = turn().then(turn).then(turn);
    if (await Promise.race([sent.then(() => true), waited.then(() => false)])) resolved++;
    else pending = sent;
  }
  publisher.close();
  expect(resolved).toBeGreaterThan(1000);

  // Reading drains the queues: what close() still owes goes out.
  const delivering = take(subscriber, resolved);
  const outcome = await pending.then(
    () => "resolved",
    (error: unknown) => error,
  );
  const received = await delivering;
  if (outcome === "resolved") received.push(...(await take(subscriber, 1)));
  else expect(outcome).toBeInstanceOf(ClosedError);
  expect(received.map((message) => message.value)).toEqual(sequence(received.length));
  expect(received.length).toBe(outcome === "resolved" ? resolved + 1 : resolved);
  await expect(publisher.send("seq", -1)).rejects.toBeInstanceOf(ClosedError);
});

test("a subscriber hands out a bundle's messages at once, with a turn of the event loop every 256", async () => {
  const count = 20_000;
  const forwarder = stopAfter(new Forwarder());
  const subscriber = open(new Subscriber(forwarder, { topics: "t", noDrop: true }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  for (let i = 0; i < count; i++) await publisher.send("t", i);
  // Everything is queued now, in fewer than 256 ZeroMQ messages.
  const turns = countTurns();
  const values = (await take(subscriber, count)).map((message) => message.value);
  expect(turns.stop()).toBeGreaterThanOrEqual(Math.floor(count / 256) / 2);
  expect(values).toEqual(sequence(count));
});

test("an off-thread subscriber hands out bundled messages one by one", async () => {
  const count = 5_000;
  const forwarder = stopAfter(new Forwarder({ noDrop: true }));
  const subscriber = open(new Subscriber(forwarder, { topics: "t", offThread: true }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  const receiving = take(subscriber, count);
  for (let i = 0; i < count; i++) await publisher.send("t", i);
  expect((await receiving).map((message) => message.value)).toEqual(sequence(count));
});
