import type { Transport } from "../src/index.js";
import { ClosedError, Forwarder, Publisher, Subscriber } from "../src/index.js";
import { releaseAfterEach, take } from "./helpers.js";

const { open, stopAfter, closeSockets } = releaseAfterEach();
let forwarder: Forwarder;

beforeEach(() => {
  forwarder = stopAfter(new Forwarder());
});

test.each<Transport>(["inproc", "ipc", "tcp"])(
  "a burst of 2,000 messages from one async loop arrives complete and in order on the same thread (%s)",
  async (transport) => {
    forwarder = stopAfter(new Forwarder({ transport }));
    const subscriber = open(new Subscriber(forwarder, { topics: "burst" }));
    const publisher = open(new Publisher(forwarder));
    await subscriber.ready();
    const received: number[] = [];
    const reading = (async () => {
      for await (const message of subscriber) {
        received.push(message.value as number);
        if (received.length === 2000) return;
      }
    })();
    for (let i = 0; i < 2000; i++) await publisher.send("burst", i);
    await reading;
    expect(received).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  },
);

test("a publisher making up a new topic per message sends each under its own topic", async () => {
  // More topics than a publisher keeps encoded: the cache is cleared on the way.
  const count = 2500;
  const subscriber = open(new Subscriber(forwarder, { topics: "sensor/" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  const sending = (async () => {
    for (let i = 0; i < count; i++) await publisher.send(`sensor/${i}/ü`, i);
  })();
  const received = await take(subscriber, count);
  await sending;
  expect(received.map((message) => [message.topic, message.value])).toEqual(
    Array.from({ length: count }, (_, i) => [`sensor/${i}/ü`, i]),
  );
});

test("iteration stopped with break resumes where it left off", async () => {
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  for (let i = 0; i < 4; i++) await publisher.send("t", i);
  const seen: unknown[] = [];
  for await (const message of subscriber) {
    seen.push(message.value);
    if (seen.length === 2) break;
  }
  for await (const message of subscriber) {
    seen.push(message.value);
    if (seen.length === 4) break;
  }
  expect(seen).toEqual([0, 1, 2, 3]);
});

test("ready() covers a publisher created after it resolved", async () => {
  const subscriber = open(new Subscriber(forwarder, { topics: "late" }));
  await subscriber.ready();
  const publisher = open(new Publisher(forwarder));
  await publisher.send("late", "first message of a new publisher");
  expect((await subscriber.receive()).value).toBe("first message of a new publisher");
});

test("ready() covers topics added with subscribe()", async () => {
  const subscriber = open(new Subscriber(forwarder, { topics: "one" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  subscriber.subscribe("two");
  await subscriber.ready();
  await publisher.send("two", 2);
  expect((await subscriber.receive()).value).toBe(2);
  subscriber.unsubscribe("two");
  expect(subscriber.topics).toEqual(["one"]);
});

test("concurrent sends from several async tasks are queued, none fails with EBUSY", async () => {
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  const publisher = open(new Publisher(forwarder, { highWaterMark: 10 }));
  await subscriber.ready();
  const tasks = [0, 1, 2, 3].map((task) =>
    Promise.all(Array.from({ length: 500 }, (_, i) => publisher.send("t", [task, i]))),
  );
  const received = (await Promise.all([take(subscriber, 2000), ...tasks]))[0];
  for (const task of [0, 1, 2, 3]) {
    const sequence = received.map((m) => m.value as [number, number]).filter(([t]) => t === task);
    expect(sequence.map(([, i]) => i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  }
});

test("close() ends a waiting iterator and a pending receive cleanly", async () => {
  const iterated = open(new Subscriber(forwarder));
  const received = open(new Subscriber(forwarder));
  await Promise.all([iterated.ready(), received.ready()]);
  const loop = (async () => {
    let count = 0;
    for await (const _ of iterated) count++;
    return count;
  })();
  const pending = expect(received.receive()).rejects.toBeInstanceOf(ClosedError);
  iterated.close();
  received.close();
  await expect(loop).resolves.toBe(0);
  await pending;
  await expect(received.receive()).rejects.toBeInstanceOf(ClosedError);
  expect(() => received.subscribe("x")).toThrow(ClosedError);
});

test("close() ends a consume loop without errors", async () => {
  const errors: unknown[] = [];
  let gotOne!: (value: unknown) => void;
  const consumed = new Promise((resolve) => (gotOne = resolve));
  const subscriber = open(new Subscriber(forwarder, { consume: (m) => gotOne(m.value) }));
  subscriber.on("error", (error) => errors.push(error));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  await publisher.send("x", 1);
  expect(await consumed).toBe(1);
  subscriber.close();
  await expect(subscriber.receive()).rejects.toThrow(TypeError);
  // A message after close goes nowhere and raises nothing.
  await publisher.send("x", 2);
  expect(errors).toEqual([]);
});

test("an AbortSignal closes the subscriber", async () => {
  const controller = new AbortController();
  const subscriber = open(new Subscriber(forwarder, { signal: controller.signal }));
  await subscriber.ready();
  const pending = expect(subscriber.receive()).rejects.toBeInstanceOf(ClosedError);
  controller.abort();
  await pending;
  expect(subscriber.closed).toBe(true);
});

test("sending after close rejects with ClosedError", async () => {
  const publisher = new Publisher(forwarder);
  publisher.close();
  publisher.close();
  await expect(publisher.send("x", 1)).rejects.toBeInstanceOf(ClosedError);
});

test("two forwarders in one process are isolated", async () => {
  const other = new Forwarder();
  try {
    const mine = open(new Subscriber(forwarder));
    const theirs = open(new Subscriber(other));
    const publisher = open(new Publisher(other));
    await Promise.all([mine.ready(), theirs.ready()]);
    await publisher.send("only-theirs", 1);
    expect((await theirs.receive()).topic).toBe("only-theirs");
    const mineNext = mine.receive();
    const own = open(new Publisher(forwarder));
    await own.send("mine", 2);
    expect((await mineNext).topic).toBe("mine");
  } finally {
    closeSockets();
    await other.stop();
  }
});

test("publisher.waitForSubscribers waits for subscribers to be ready", async () => {
  const publisher = open(new Publisher(forwarder));
  const waiting = publisher.waitForSubscribers(2);
  const first = open(new Subscriber(forwarder, { topics: "w" }));
  const second = open(new Subscriber(forwarder, { topics: "w" }));
  await waiting;
  expect(publisher.subscribers).toBe(2);
  await publisher.send("w", "hello");
  expect((await first.receive()).value).toBe("hello");
  expect((await second.receive()).value).toBe("hello");
  second.close();
  const aborted = new AbortController();
  const never = publisher.waitForSubscribers(5, { signal: aborted.signal });
  aborted.abort(new Error("gave up"));
  await expect(never).rejects.toThrow("gave up");
});

test("a subscriber with counted: false is ready and receives, but publishers do not count it", async () => {
  const publisher = open(new Publisher(forwarder));
  const uncounted = open(new Subscriber(forwarder, { topics: "w", counted: false }));
  await uncounted.ready();
  const counted = open(new Subscriber(forwarder, { topics: "w" }));
  await counted.ready();
  // Reads every notice queued so far: both subscribers' presence is among them.
  await publisher.waitForSubscribers(1);
  expect(publisher.subscribers).toBe(1);
  await publisher.send("w", "both");
  expect((await uncounted.receive()).value).toBe("both");
  expect((await counted.receive()).value).toBe("both");
});

test("stop() is idempotent and start() after stop() rejects", async () => {
  const local = new Forwarder();
  await local.start();
  expect(local.running).toBe(true);
  await Promise.all([local.stop(), local.stop()]);
  await local.stop();
  expect(local.running).toBe(false);
  await expect(local.start()).rejects.toThrow(/stopped/);
});
