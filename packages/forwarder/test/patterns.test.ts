import { encode } from "@sunflare/codec";
import * as zmq from "zeromq";
import { Forwarder, Publisher, Subscriber, topicPath } from "../src/index.js";
import { releaseAfterEach, take, topics } from "./helpers.js";

// The scenarios of the original sunflare.virtual test-suite, one test each.

const { open, stopAfter } = releaseAfterEach();
let forwarder: Forwarder;

beforeEach(async () => {
  forwarder = stopAfter(new Forwarder());
  await forwarder.start();
});

test("a raw multipart message reaches a catch-all subscriber", async () => {
  const subscriber = open(new Subscriber(forwarder));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  await publisher.sendFrames(["raw-topic", new Uint8Array([1, 2, 3])]);
  const message = await subscriber.receive();
  expect(message.topic).toBe("raw-topic");
  expect(message.frames.map((frame) => [...frame])).toEqual([
    [..."raw-topic"].map((c) => c.charCodeAt(0)),
    [1, 2, 3],
  ]);
});

/** A plain ZeroMQ publisher on the forwarder, once it holds the forwarder's subscription set. */
async function rawPublisher(): Promise<zmq.XPublisher> {
  const raw = open(new zmq.XPublisher({ linger: 0 }));
  raw.connect(forwarder.publishAddress);
  // The forwarder's catch-all comes first, its sync topic last (README, "Readiness").
  for (;;) {
    const [notice] = await raw.receive();
    if (notice!.subarray(1).toString() === "\0sunflare/forwarder") return raw;
  }
}

test("the original's test: a raw single-frame message reaches a catch-all subscriber", async () => {
  const subscriber = open(new Subscriber(forwarder));
  await subscriber.ready();
  const raw = await rawPublisher();
  await raw.send("Hello, World!");
  const message = await subscriber.receive();
  expect(message.topic).toBe("Hello, World!");
  expect(message.frames).toHaveLength(1);
  expect(() => message.value).toThrow(/has 1 frame: value decodes the body of a \[topic, body\]/);
});

test("a message of three frames arrives as it came; value throws for it alone", async () => {
  const subscriber = open(new Subscriber(forwarder, { topics: "multi" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  await publisher.sendFrames(["multi", encode(1), encode(2)]);
  await publisher.send("multi", "after");
  const [three, after] = await take(subscriber, 2);
  expect(three!.frames.map((frame) => Buffer.from(frame))).toEqual([
    Buffer.from("multi"),
    Buffer.from(encode(1)),
    Buffer.from(encode(2)),
  ]);
  expect(() => three!.value).toThrow(TypeError);
  expect(after!.value).toBe("after");
});

test("the bus's own topics reach only a subscriber that asks for them", async () => {
  const catchAll = open(new Subscriber(forwarder));
  const own = open(new Subscriber(forwarder, { topics: "\0sunflare/signal/" }));
  const publisher = open(new Publisher(forwarder));
  await Promise.all([catchAll.ready(), own.ready()]);
  await publisher.send("\0sunflare/signal/Camera/sigExposure", [10]);
  await publisher.send("data", 1);
  expect((await catchAll.receive()).topic).toBe("data");
  const signal = await own.receive();
  expect([signal.topic, signal.value]).toEqual(["\0sunflare/signal/Camera/sigExposure", [10]]);
});

test("topic filtering: nobody receives what they did not subscribe to", async () => {
  const names = ["temperature", "humidity", "pressure"];
  const subscribers = names.map((topic) => open(new Subscriber(forwarder, { topics: topic })));
  const publisher = open(new Publisher(forwarder));
  await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
  for (let round = 0; round < 3; round++) {
    for (const topic of names) await publisher.send(topic, { topic, round });
  }
  for (const [index, subscriber] of subscribers.entries()) {
    const messages = await take(subscriber, 3);
    expect(topics(messages)).toEqual([names[index], names[index], names[index]]);
    expect(messages.map((message) => (message.value as { round: number }).round)).toEqual([
      0, 1, 2,
    ]);
  }
  // Nothing else is queued: the next message each one gets is its own marker.
  for (const topic of names) await publisher.send(topic, "end");
  for (const [index, subscriber] of subscribers.entries()) {
    const message = await subscriber.receive();
    expect([message.topic, message.value]).toEqual([names[index], "end"]);
  }
});

test("one-to-many: a catch-all subscriber and three topic subscribers", async () => {
  const names = ["temperature", "humidity", "pressure"];
  const all = open(new Subscriber(forwarder, { topics: "" }));
  const each = names.map((topic) => open(new Subscriber(forwarder, { topics: [topic] })));
  const publisher = open(new Publisher(forwarder));
  await Promise.all([all, ...each].map((subscriber) => subscriber.ready()));
  for (const topic of names) await publisher.send(topic, `${topic} reading`);
  expect(topics(await take(all, 3))).toEqual(names);
  for (const [index, subscriber] of each.entries()) {
    const message = await subscriber.receive();
    expect(message.value).toBe(`${names[index]} reading`);
  }
});

test("many-to-one: three publishers, one subscriber", async () => {
  const subscriber = open(new Subscriber(forwarder, { topics: "sensor" }));
  const publishers = [1, 2, 3].map(() => open(new Publisher(forwarder)));
  await subscriber.ready();
  await Promise.all(
    publishers.map((publisher, index) => publisher.send(topicPath("sensor", String(index)), index)),
  );
  const values = (await take(subscriber, 3)).map((message) => message.value as number);
  expect(values.sort()).toEqual([0, 1, 2]);
});

test("many-to-many: every subscriber gets every publisher's messages on its topics", async () => {
  const publishers = [0, 1, 2].map(() => open(new Publisher(forwarder)));
  const subscribers = [0, 1, 2].map(() => open(new Subscriber(forwarder, { topics: ["a", "b"] })));
  await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
  await Promise.all(
    publishers.map(async (publisher, index) => {
      await publisher.send("a", `a${index}`);
      await publisher.send("b", `b${index}`);
      await publisher.send("c", `c${index}`);
    }),
  );
  for (const subscriber of subscribers) {
    const values = (await take(subscriber, 6)).map((message) => message.value as string);
    expect(values.sort()).toEqual(["a0", "a1", "a2", "b0", "b1", "b2"]);
  }
});

test("a class can be publisher and subscriber at once", async () => {
  class Echo {
    readonly publisher = new Publisher(forwarder);
    readonly subscriber = new Subscriber(forwarder, {
      topics: "ping",
      consume: async (message) => {
        await this.publisher.send("pong", message.value);
      },
    });
    close(): void {
      this.publisher.close();
      this.subscriber.close();
    }
  }
  const echo = open(new Echo());
  const client = open(new Subscriber(forwarder, { topics: "pong" }));
  const pinger = open(new Publisher(forwarder));
  await Promise.all([echo.subscriber.ready(), client.ready()]);
  await pinger.send("ping", 42);
  expect((await client.receive()).value).toBe(42);
});

test("encoded values arrive decoded as message.value, once", async () => {
  const subscriber = open(new Subscriber(forwarder, { topics: "data" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  const value = { name: "frame", shape: [2, 3], nested: { ok: true, list: [1, "two", null] } };
  await publisher.send("data", value);
  const message = await subscriber.receive();
  expect(message.value).toEqual(value);
  expect(message.value).toBe(message.value);
  expect([...message.frames[1]!]).toEqual([...encode(value)]);
});

test("topicPath joins segments with '/'", () => {
  expect(topicPath("camera", "frames")).toBe("camera/frames");
  expect(topicPath("camera")).toBe("camera");
});
