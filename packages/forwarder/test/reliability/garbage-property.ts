import { deepStrictEqual } from "node:assert/strict";
import { encode } from "@sunflare/codec";
import fc from "fast-check";
import * as zmq from "zeromq";
import { BUNDLE_MARKER, packBundle } from "../../src/bundle.js";
import type { Message } from "../../src/index.js";
import { Forwarder, Subscriber } from "../../src/index.js";

/**
 * One ZeroMQ message of a run: a good sequenced message, a bad one (with the
 * topic its report must carry), one of another shape than `[topic, body]`
 * (delivered as it came), one on the bus's own topics (which a catch-all
 * subscriber never sees), or a well-formed bundle of good messages
 * (`undefined`, numbered at send time) and bad bodies, each accounted for
 * in place.
 */
type Sent =
  | { kind: "good" }
  | { kind: "bad"; frames: Buffer[]; topic: string }
  | { kind: "shape"; frames: Buffer[] }
  | { kind: "reserved"; frames: Buffer[] }
  | { kind: "bundle"; parts: (Buffer | undefined)[] };

type Logged = ["good", number] | ["bad", string | undefined] | ["shape", string, number];

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
const bad = (frames: Buffer[]): Sent => ({
  kind: "bad",
  frames,
  topic: frames[0]!.toString("utf8"),
});

const shape = (frames: Buffer[]): Sent => ({ kind: "shape", frames });
const notReserved = (frames: Buffer[]): boolean =>
  !frames[0]!.toString("latin1").startsWith("\0sunflare/");
const singleFrame = bytes(32).map((frame) => [frame]);
const extraFrames = fc
  .tuple(
    fc.oneof(fc.constant(seqTopic), otherTopic),
    fc.array(bytes(16), { minLength: 2, maxLength: 4 }),
  )
  // What a bundle's marker makes a bundle is brokenBundle's.
  .filter(([, rest]) => rest.length !== 2 || !rest[0]!.equals(BUNDLE_MARKER))
  .map(([topic, rest]) => [topic, ...rest]);
const otherShape = fc.oneof(singleFrame, extraFrames).filter(notReserved).map(shape);
const emptyFrames = fc
  .integer({ min: 1, max: 4 })
  .map((count) => Array.from({ length: count }, () => Buffer.alloc(0)))
  .map((frames) => (frames.length === 2 ? bad(frames) : shape(frames)));
const reserved: fc.Arbitrary<Sent> = fc
  .tuple(bytes(8), fc.array(bytes(8), { minLength: 0, maxLength: 3 }))
  .map(([suffix, rest]) => ({
    kind: "reserved",
    frames: [Buffer.concat([Buffer.from("\0sunflare/"), suffix]), ...rest],
  }));
// A proper prefix of a MessagePack value is never a complete value.
const truncated = fc.tuple(fc.jsonValue(), fc.nat()).map(([value, cut]) => {
  const body = Buffer.from(encode(value));
  return body.subarray(0, cut % body.length);
});
const truncatedBody = fc
  .tuple(fc.oneof(fc.constant(seqTopic), otherTopic), truncated)
  .map(([topic, body]) => bad([topic, body]));
// Random bytes may well be valid MessagePack; under a topic the consumer does
// not accept they are bad either way.
const randomBody = fc.tuple(otherTopic, bytes(64)).map(([topic, body]) => bad([topic, body]));
const unexpectedValue = fc
  .jsonValue()
  .filter(
    (value) =>
      typeof value !== "object" ||
      value === null ||
      Array.isArray(value) ||
      typeof (value as { seq?: unknown }).seq !== "number",
  )
  .map((value) => Buffer.from(encode(value)));
const unexpectedType = unexpectedValue.map((body) => bad([seqTopic, body]));
// Headers that declare up to 4 GiB of string, binary, extension, array or map
// followed by a few bytes: a decoder must fail fast, not allocate.
const hugeLengthBody = fc
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
    return Buffer.concat([prefix, header, ext, tail]);
  });
const hugeLength = hugeLengthBody.map((body) => bad([seqTopic, body]));

/** Bodies the consumer of "seq" cannot take, inside a well-formed bundle. */
const badBody = fc.oneof(truncated, unexpectedValue, hugeLengthBody);
const bundle: fc.Arbitrary<Sent> = fc
  .array(fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, badBody), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => ({ kind: "bundle", parts }));
// A bundle whose payload does not add up is reported once, as a whole.
const brokenBundle = fc
  .tuple(
    fc.oneof(fc.constant(seqTopic), otherTopic),
    fc.array(bytes(8), { minLength: 1, maxLength: 4 }),
    fc.oneof(
      fc.nat().map((cut) => (payload: Buffer) => payload.subarray(0, cut % payload.length)),
      bytes(4)
        .filter((tail) => tail.length > 0)
        .map((tail) => (payload: Buffer) => Buffer.concat([payload, tail])),
      fc.integer({ min: -1, max: 1000 }).map((offset) => (payload: Buffer) => {
        // A count of 0, or more messages than there are.
        const count = offset < 0 ? 0 : payload.readUInt32LE(0) + 1 + offset;
        const copy = Buffer.from(payload);
        copy.writeUInt32LE(count, 0);
        return copy;
      }),
    ),
  )
  .map(([topic, bodies, corrupt]) => bad([topic, BUNDLE_MARKER, corrupt(packBundle(bodies))]));

const badMessage: fc.Arbitrary<Sent> = fc.oneof(
  otherShape,
  emptyFrames,
  reserved,
  truncatedBody,
  randomBody,
  unexpectedType,
  hugeLength,
  brokenBundle,
);
/** A good message; its sequence number is given at send time. */
const goodMessage: fc.Arbitrary<Sent> = fc.constant({ kind: "good" });
const runOf = fc.array(
  fc.oneof(
    { arbitrary: goodMessage, weight: 2 },
    { arbitrary: badMessage, weight: 3 },
    { arbitrary: bundle, weight: 1 },
  ),
  {
    minLength: 1,
    maxLength: 24,
  },
);

/**
 * The garbage-on-the-wire property: a raw ZeroMQ peer connected to the
 * forwarder's publish side interleaves good sequenced messages with garbage,
 * messages of every shape, messages on the bus's own topics and bundles; the
 * catch-all subscriber delivers every good message and every other shape, in
 * order, reports every bad message exactly once with its topic, in place,
 * and never sees the bus's own topics. Throws on the first counter-example
 * (shrunk).
 *
 * @returns the number of messages sent, good and bad (a bundle's count as theirs)
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
    if (message.frames.length !== 2) {
      log.push(["shape", message.topic, message.frames.length]);
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
        const good = (): Buffer => {
          expected.push(["good", seq]);
          totals.good++;
          return Buffer.from(encode({ seq: seq++ }));
        };
        for (const message of messages) {
          switch (message.kind) {
            case "good":
              await raw.send([seqTopic, good()]);
              break;
            case "bad":
              expected.push(["bad", message.topic]);
              totals.bad++;
              await raw.send(message.frames);
              break;
            case "shape":
              expected.push(["shape", message.frames[0]!.toString("utf8"), message.frames.length]);
              totals.bad++;
              await raw.send(message.frames);
              break;
            case "reserved":
              totals.bad++;
              await raw.send(message.frames);
              break;
            case "bundle": {
              const bodies = message.parts.map((part) => {
                if (part === undefined) return good();
                expected.push(["bad", "seq"]);
                totals.bad++;
                return part;
              });
              await raw.send([seqTopic, BUNDLE_MARKER, packBundle(bodies)]);
              break;
            }
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
