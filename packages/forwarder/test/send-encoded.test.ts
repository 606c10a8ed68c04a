import { Codec, decode, encode } from "@sunflare/codec";
import type { Transport } from "../src/index.js";
import { ClosedError, Forwarder, Publisher, Subscriber } from "../src/index.js";
import type { Wire } from "./helpers.js";
import { readWire, releaseAfterEach, take, wireReader } from "./helpers.js";

// `Publisher.sendEncoded`: bodies that are MessagePack already go out as they
// are, queued and bundled exactly as `send`'s bodies.

const { open, stopAfter } = releaseAfterEach();
const rawSubscriber = wireReader(open);

/** A codec that must not be asked: sendEncoded never encodes. */
class RefusingCodec extends Codec {
  override encode(): Uint8Array {
    throw new Error("sendEncoded called the codec");
  }
}

/**
 * Distinct bodies, MessagePack and not: every other one starts with 0xc1,
 * which MessagePack never uses, so only bytes passed through untouched
 * arrive like that.
 */
function bodies(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? encode({ seq: i, text: "ü" }) : new Uint8Array([0xc1, i & 0xff, i >> 8]),
  );
}

test.each<{ transport: Transport; expected: Wire["1"] }>([
  { transport: "inproc", expected: "bundle" },
  { transport: "tcp", expected: "plain" },
])(
  "over $transport, sendEncoded's bytes arrive unchanged, one message each, travelling as $expected ZeroMQ messages",
  async ({ transport, expected }) => {
    const count = 300;
    const forwarder = stopAfter(new Forwarder({ transport }));
    const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
    const publisher = open(new Publisher(forwarder, { codec: new RefusingCodec() }));
    await subscriber.ready();
    const raw = await rawSubscriber(forwarder, publisher, "t");

    const sent = bodies(count);
    const receiving = take(subscriber, count);
    for (const body of sent) await publisher.sendEncoded("t", body);
    const received = await receiving;
    for (const [i, message] of received.entries()) {
      expect(message.topic).toBe("t");
      expect(message.frames).toHaveLength(2);
      expect(Buffer.from(message.frames[1]!)).toEqual(Buffer.from(sent[i]!));
    }
    expect(received[0]!.value).toEqual({ seq: 0, text: "ü" });

    const onWire: Buffer[] = [];
    const wire = await readWire(raw, count, onWire);
    expect(onWire).toEqual(sent.map((body) => Buffer.from(body)));
    expect(wire.every(([topic, kind]) => topic === "t" && kind === expected)).toBe(true);
    // Bundles carry up to 256 messages each.
    if (expected === "bundle") expect(wire.length).toBeLessThanOrEqual(3);
  },
);

test("sendEncoded and send of one tick share a bundle, in call order, with the same bytes", async () => {
  const forwarder = stopAfter(new Forwarder());
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  const raw = await rawSubscriber(forwarder, publisher, "t");

  await Promise.all([
    publisher.send("t", { n: 0 }),
    publisher.sendEncoded("t", encode({ n: 1 })),
    publisher.send("t", { n: 2 }),
    publisher.sendEncoded("t", encode({ n: 3 })),
  ]);
  const received = await take(subscriber, 4);
  expect(received.map((message) => message.value)).toEqual([
    { n: 0 },
    { n: 1 },
    { n: 2 },
    { n: 3 },
  ]);
  const onWire: Buffer[] = [];
  expect(await readWire(raw, 4, onWire)).toEqual([["t", "bundle", 4]]);
  expect(onWire).toEqual([0, 1, 2, 3].map((n) => Buffer.from(encode({ n }))));
});

test("a body of 16 KiB or more goes on its own, unchanged, after the messages held before it", async () => {
  const forwarder = stopAfter(new Forwarder());
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  const raw = await rawSubscriber(forwarder, publisher, "t");

  const large = encode(new Uint8Array(20_000).map((_, i) => i * 7));
  await Promise.all([
    publisher.sendEncoded("t", encode("before")),
    publisher.sendEncoded("t", large),
    publisher.sendEncoded("t", encode("after")),
  ]);
  const received = await take(subscriber, 3);
  expect(received.map((message) => Buffer.from(message.frames[1]!))).toEqual(
    [encode("before"), large, encode("after")].map((body) => Buffer.from(body)),
  );
  expect(await readWire(raw, 3)).toEqual([
    ["t", "plain", 1],
    ["t", "plain", 1],
    ["t", "plain", 1],
  ]);
  expect(decode(received[1]!.frames[1]!)).toEqual(decode(large));
});

test("sendEncoded rejects a body that is not a Uint8Array, and any body once closed", async () => {
  const forwarder = stopAfter(new Forwarder());
  const publisher = open(new Publisher(forwarder));
  await expect(publisher.sendEncoded("t", "text" as unknown as Uint8Array)).rejects.toBeInstanceOf(
    TypeError,
  );
  publisher.close();
  await expect(publisher.sendEncoded("t", encode(1))).rejects.toBeInstanceOf(ClosedError);
});
