import { asNDArray, ndarray } from "@sunflare/codec";
import type { Message, SubscriberOptions } from "../src/index.js";
import { BUNDLE_MARKER } from "../src/bundle.js";
import { Forwarder, Publisher, Subscriber } from "../src/index.js";
import { releaseAfterEach, take, topics } from "./helpers.js";

const { open, stopAfter } = releaseAfterEach();

/** A publisher and a ready off-thread subscriber to `topics`, on a fresh forwarder. */
async function connected(
  topics: string,
  options: SubscriberOptions = {},
): Promise<{ publisher: Publisher; subscriber: Subscriber }> {
  const forwarder = stopAfter(new Forwarder({ noDrop: true }));
  await forwarder.start();
  // One ZeroMQ message per send: the worker's batches and credits count
  // ZeroMQ messages (test/bundles.test.ts sends bundles off the thread).
  const publisher = open(new Publisher(forwarder, { bundle: false }));
  const subscriber = open(new Subscriber(forwarder, { topics, offThread: true, ...options }));
  await subscriber.ready();
  return { publisher, subscriber };
}

test("an off-thread subscriber receives every message, in order, across many batches", async () => {
  const { publisher, subscriber } = await connected("seq");
  const count = 5_000;
  const received: number[] = [];
  const reading = (async () => {
    for await (const message of subscriber) {
      received.push(message.value as number);
      if (received.length === count) break;
    }
  })();
  for (let i = 0; i < count; i++) await publisher.send("seq", i);
  await reading;
  expect(received).toEqual(Array.from({ length: count }, (_, i) => i));
});

test("a consumer that starts late gets everything: the worker waits for it instead of piling batches up", async () => {
  const { publisher, subscriber } = await connected("late");
  // More than the batches the worker may have in flight (16 of 256): the
  // rest stays in ZeroMQ's queues until the consumer hands batches back.
  const count = 8_000;
  for (let i = 0; i < count; i++) await publisher.send("late", i);
  const received = (await take(subscriber, count)).map((message) => message.value);
  expect(received).toEqual(Array.from({ length: count }, (_, i) => i));
});

test("subscribe and unsubscribe reach the worker's socket, and ready() covers them", async () => {
  const { publisher, subscriber } = await connected("a");
  subscriber.subscribe("b");
  subscriber.unsubscribe("a");
  await subscriber.ready();
  await publisher.send("a", "dropped by the filter");
  await publisher.send("b", "kept");
  const [message] = await take(subscriber, 1);
  expect(message!.topic).toBe("b");
  expect(message!.value).toBe("kept");
});

test("a consume callback gets every message; a broken bundle is reported and the stream goes on", async () => {
  const values: unknown[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const { publisher, subscriber } = await connected("m", {
    consume: (message) => {
      values.push(message.value);
      if (values.length === 2) done();
    },
  });
  const errors: unknown[] = [];
  subscriber.on("error", (error) => errors.push(error));
  await publisher.send("m", "first");
  await publisher.sendFrames(["m", BUNDLE_MARKER, new Uint8Array([1])]);
  await publisher.send("m", "second");
  await finished;
  expect(values).toEqual(["first", "second"]);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ name: "MalformedMessageError", topic: "m" });
});

test("frames arrive 8-byte aligned, so an array is viewed in place", async () => {
  const { publisher, subscriber } = await connected("frame");
  // 128 KiB: the encoder aligns arrays from 64 KiB on.
  const pixels = Float64Array.from({ length: 128 * 128 }, (_, i) => i / 3);
  // A topic of odd length puts the body at an odd offset unless the batch pads it.
  await publisher.send("frame/odd", ndarray(pixels, [128, 128]));
  const [message] = await take(subscriber, 1);
  expect(message!.frames[1]!.byteOffset % 8).toBe(0);
  const array = asNDArray(message!.value);
  expect(array.shape).toEqual([128, 128]);
  expect(array.data).toEqual(pixels);
  // A view of the received bytes, not a copy.
  expect(array.data.buffer).toBe(message!.frames[1]!.buffer);
});

test("close ends iteration and rejects a pending receive", async () => {
  const { subscriber } = await connected("");
  const pending = subscriber.receive();
  const iteration = (async () => {
    const seen: unknown[] = [];
    for await (const message of subscriber) seen.push(message);
    return seen;
  })();
  subscriber.close();
  await expect(pending).rejects.toMatchObject({ name: "ClosedError" });
  await expect(iteration).resolves.toEqual([]);
});

test("a worker that cannot connect reports why, and the subscriber closes", async () => {
  const subscriber = open(new Subscriber("nope://nowhere", { offThread: true }));
  const error = new Promise<unknown>((resolve) => subscriber.once("error", resolve));
  const messages = topics(await collect(subscriber));
  expect(messages).toEqual([]);
  expect(subscriber.closed).toBe(true);
  expect(await error).toMatchObject({ message: expect.stringMatching(/protocol/i) as unknown });
});

test("maxMessageSize with offThread is refused with a clear error", () => {
  expect(() => new Subscriber("inproc://x", { offThread: true, maxMessageSize: 10 })).toThrow(
    /offThread does not support maxMessageSize/,
  );
});

async function collect(subscriber: Subscriber): Promise<Message[]> {
  const seen: Message[] = [];
  for await (const message of subscriber) seen.push(message);
  return seen;
}
