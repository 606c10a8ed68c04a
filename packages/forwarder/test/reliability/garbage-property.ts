import { deepStrictEqual } from "node:assert/strict";
import { encode } from "@sunflare/codec";
import fc from "fast-check";
import * as zmq from "zeromq";
import type { Message } from "../../src/index.js";
import { Forwarder, Subscriber } from "../../src/index.js";

/** One message of a run, as sent and as the subscriber must account for it. */
interface Sent {
  frames: Buffer[];
  /** `undefined` for a good message; else the topic the report must carry. */
  badTopic: string | undefined;
}

type Logged = ["good", number] | ["bad", string | undefined];

const bytes = (maxLength: number): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ maxLength }).map((array) => Buffer.from(array));

/** Topics of bad messages: anything but the two the consumer accepts. */
const otherTopic: fc.Arbitrary<Buffer> = fc
  .oneof(
    fc.string({ maxLength: 12 }).map((text) => Buffer.from(text)),
    bytes(12),
  )
  .filter((topic) => !["seq", "end"].includes(topic.toString("utf8")));

const seqTopic = Buffer.from("seq");
const bad = (frames: Buffer[]): Sent => ({ frames, badTopic: frames[0]!.toString("utf8") });

const singleFrame = bytes(32).map((frame) => bad([frame]));
const extraFrames = fc
  .tuple(
    fc.oneof(fc.constant(seqTopic), otherTopic),
    fc.array(bytes(16), { minLength: 2, maxLength: 4 }),
  )
  .map(([topic, rest]) => bad([topic, ...rest]));
const emptyFrames = fc
  .integer({ min: 1, max: 4 })
  .map((count) => bad(Array.from({ length: count }, () => Buffer.alloc(0))));
const truncatedBody = fc
  .tuple(fc.oneof(fc.constant(seqTopic), otherTopic), fc.jsonValue(), fc.nat())
  .map(([topic, value, cut]) => {
    const body = Buffer.from(encode(value));
    return bad([topic, body.subarray(0, cut % body.length)]);
  });
// Random bytes may well be valid MessagePack; under a topic the consumer does
// not accept they are bad either way.
const randomBody = fc.tuple(otherTopic, bytes(64)).map(([topic, body]) => bad([topic, body]));
const unexpectedType = fc
  .jsonValue()
  .filter(
    (value) =>
      typeof value !== "object" ||
      value === null ||
      Array.isArray(value) ||
      typeof (value as { seq?: unknown }).seq !== "number",
  )
  .map((value) => bad([seqTopic, Buffer.from(encode(value))]));
// Headers that declare up to 4 GiB of string, binary, extension, array or map
// followed by a few bytes: a decoder must fail fast, not allocate.
const hugeLength = fc
  .tuple(
    fc.constantFrom(0xc6, 0xc9, 0xdb, 0xdd, 0xdf, 0xc5, 0xda, 0xdc, 0xde),
    fc.integer({ min: 0x10000, max: 0xffffffff }),
    fc.boolean(),
    bytes(8),
  )
  .map(([type, length, nested, tail]) => {
    const wide = [0xc6, 0xc9, 0xdb, 0xdd, 0xdf].includes(type);
    const header = Buffer.alloc(wide ? 5 : 3);
    header[0] = type;
    if (wide) header.writeUInt32BE(length, 1);
    else header.writeUInt16BE(Math.max(length & 0xffff, 0x100), 1);
    const ext = type === 0xc9 ? Buffer.of(1) : Buffer.alloc(0);
    // Nested: inside a one-element array, so the length is met mid-structure.
    const prefix = nested ? Buffer.of(0x91) : Buffer.alloc(0);
    return bad([seqTopic, Buffer.concat([prefix, header, ext, tail])]);
  });

const badMessage: fc.Arbitrary<Sent> = fc.oneof(
  singleFrame,
  extraFrames,
  emptyFrames,
  truncatedBody,
  randomBody,
  unexpectedType,
  hugeLength,
);
/** A placeholder for a good message; its sequence number is given at send time. */
const goodMessage: fc.Arbitrary<Sent> = fc.constant({ frames: [], badTopic: undefined });
const runOf = fc.array(
  fc.oneof({ arbitrary: goodMessage, weight: 2 }, { arbitrary: badMessage, weight: 3 }),
  {
    minLength: 1,
    maxLength: 24,
  },
);

/**
 * The garbage-on-the-wire property: a raw ZeroMQ peer connected to the
 * forwarder's publish side interleaves good sequenced messages with garbage;
 * the subscriber reports every bad message exactly once with its topic, in
 * place, and delivers every good one, in order. Throws on the first
 * counter-example (shrunk).
 *
 * @returns the number of messages sent, good and bad
 */
export async function checkGarbageProperty(
  runs: number,
  seed?: number,
): Promise<{ good: number; bad: number }> {
  const forwarder = new Forwarder();
  await forwarder.start();
  const log: Logged[] = [];
  let endReached: (() => void) | undefined;
  const consume = (message: Message): void => {
    if (message.topic === "end") {
      endReached?.();
      return;
    }
    const value = message.value;
    if (message.topic !== "seq") throw new TypeError(`Unexpected topic ${message.topic}`);
    const seq = (value as { seq?: unknown } | null)?.seq;
    if (typeof value !== "object" || typeof seq !== "number")
      throw new TypeError("Expected { seq: number }");
    log.push(["good", seq]);
  };
  const subscriber = new Subscriber(forwarder, { consume, noDrop: true });
  subscriber.on("error", (_error, topic) => void log.push(["bad", topic]));
  const raw = new zmq.XPublisher({ linger: 0 });
  const totals = { good: 0, bad: 0 };
  try {
    await subscriber.ready();
    raw.connect(forwarder.publishAddress);
    // The forwarder hands its subscription set to a new peer: once the
    // catch-all subscription shows up, what the raw peer sends is delivered.
    for (;;) {
      const [notice] = await raw.receive();
      if (notice?.length === 1 && notice[0] === 1) break;
    }
    let seq = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(runOf, async (messages) => {
        log.length = 0;
        const expected: Logged[] = [];
        for (const message of messages) {
          if (message.badTopic === undefined) {
            expected.push(["good", seq]);
            await raw.send([seqTopic, Buffer.from(encode({ seq: seq++ }))]);
            totals.good++;
          } else {
            expected.push(["bad", message.badTopic]);
            await raw.send(message.frames);
            totals.bad++;
          }
        }
        const ended = new Promise<void>((resolve) => (endReached = resolve));
        await raw.send(["end", Buffer.from(encode(run++))]);
        await ended;
        deepStrictEqual(log, expected);
      }),
      { numRuns: runs, seed },
    );
  } finally {
    raw.close();
    subscriber.close();
    await forwarder.stop();
  }
  return totals;
}
