import { DecodeError, encode } from "@sunflare/codec";
import type { Logger, Message } from "../src/index.js";
import { BUNDLE_MARKER, packBundle } from "../src/bundle.js";
import { Forwarder, MalformedMessageError, Publisher, Subscriber } from "../src/index.js";
import { releaseAfterEach } from "./helpers.js";

const { open, stopAfter } = releaseAfterEach();
let forwarder: Forwarder;

beforeEach(() => {
  forwarder = stopAfter(new Forwarder());
});

/** A consume callback that records values and resolves once `count` arrived. */
function recorder(
  count: number,
  act: (message: Message) => void | Promise<void> = () => undefined,
) {
  const values: unknown[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const consume = async (message: Message): Promise<void> => {
    values.push(message.topic);
    if (values.length === count) done();
    await act(message);
  };
  return { values, finished, consume };
}

test("a consumer that throws or rejects is reported with the topic and the next message is processed", async () => {
  const errors: [unknown, string | undefined][] = [];
  const { values, finished, consume } = recorder(4, async (message) => {
    if (message.topic === "throws") throw new Error("sync failure");
    if (message.topic === "rejects") await Promise.reject(new Error("async failure"));
  });
  const subscriber = open(new Subscriber(forwarder, { consume }));
  subscriber.on("error", (error, topic) => errors.push([error, topic]));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  for (const topic of ["throws", "ok", "rejects", "after"]) await publisher.send(topic, null);
  await finished;
  expect(values).toEqual(["throws", "ok", "rejects", "after"]);
  expect(errors.map(([error, topic]) => [(error as Error).message, topic])).toEqual([
    ["sync failure", "throws"],
    ["async failure", "rejects"],
  ]);
});

test("without an error listener, errors go to the logger", async () => {
  const logged: unknown[][] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (...args) => void logged.push(args),
  };
  const { finished, consume } = recorder(2, (message) => {
    if (message.topic === "bad") throw new Error("boom");
  });
  const subscriber = open(new Subscriber(forwarder, { consume, logger }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  await publisher.send("bad", 1);
  await publisher.send("good", 2);
  await finished;
  expect(logged).toHaveLength(1);
  expect(logged[0]?.[0]).toContain('"bad"');
  expect((logged[0]?.[1] as Error).message).toBe("boom");
});

test("a broken bundle is reported once, delivers none of its messages, and never ends delivery", async () => {
  const errors: unknown[] = [];
  const subscriber = open(new Subscriber(forwarder));
  subscriber.on("error", (error) => errors.push(error));
  const publisher = open(new Publisher(forwarder, { bundle: false }));
  await subscriber.ready();
  await publisher.send("good", 1);
  // A bundle whose payload declares two messages and holds one.
  const payload = packBundle([encode("lost")]);
  payload.writeUInt32LE(2, 0);
  await publisher.sendFrames(["broken", BUNDLE_MARKER, payload]);
  await publisher.send("good", 2);
  const values = [(await subscriber.receive()).value, (await subscriber.receive()).value];
  expect(values).toEqual([1, 2]);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(MalformedMessageError);
  expect(errors[0]).toMatchObject({ topic: "broken", frames: expect.any(Array) });
  expect((errors[0] as Error).message).toContain("ends before message 2 of 2");
});

test("a body that does not decode is reported and the next message is processed", async () => {
  const errors: [unknown, string | undefined][] = [];
  const decoded: unknown[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const subscriber = open(
    new Subscriber(forwarder, {
      consume: (message) => {
        if (message.topic === "end") return done();
        decoded.push(message.value);
      },
    }),
  );
  subscriber.on("error", (error, topic) => errors.push([error, topic]));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  await publisher.sendFrames(["garbage", new Uint8Array([0xc1])]);
  await publisher.sendFrames(["truncated", encode("a long string").subarray(0, 4)]);
  await publisher.send("fine", { ok: true });
  await publisher.send("end", null);
  await finished;
  expect(decoded).toEqual([{ ok: true }]);
  expect(errors.map(([error, topic]) => [error instanceof DecodeError, topic])).toEqual([
    [true, "garbage"],
    [true, "truncated"],
  ]);
});

test("an error listener that throws is logged and delivery continues", async () => {
  const logged: unknown[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (message) => void logged.push(message),
  };
  const { finished, consume } = recorder(2, (message) => {
    if (message.topic === "bad") throw new Error("boom");
  });
  const subscriber = open(new Subscriber(forwarder, { consume, logger }));
  subscriber.on("error", () => {
    throw new Error("listener bug");
  });
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  await publisher.send("bad", 1);
  await publisher.send("good", 2);
  await finished;
  expect(logged).toHaveLength(2);
});

test("a value the codec cannot encode rejects send and sends nothing", async () => {
  const subscriber = open(new Subscriber(forwarder));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  await expect(publisher.send("x", () => undefined)).rejects.toThrow();
  await publisher.send("y", 1);
  expect((await subscriber.receive()).topic).toBe("y");
});
