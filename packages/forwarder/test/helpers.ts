import * as zmq from "zeromq";
import { bundleBodies, COPIED_BUNDLE_MARKER, isBundle } from "../src/bundle.js";
import type { ForwarderAddresses, Message, Publisher, Subscriber } from "../src/index.js";
import { Forwarder } from "../src/index.js";

/** Receives exactly `count` messages. */
export async function take(subscriber: Subscriber, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) messages.push(await subscriber.receive());
  return messages;
}

/**
 * A forwarder's addresses as a plain object: what a worker thread or another
 * process is given, or a peer that knows only the addresses.
 */
export function addressesOf(forwarder: Forwarder): ForwarderAddresses {
  return { publishAddress: forwarder.publishAddress, subscribeAddress: forwarder.subscribeAddress };
}

/** Counts the turns of the event loop from now until `stop()`, which returns the count. */
export function countTurns(): { stop(): number } {
  let counting = true;
  let turns = 0;
  const tick = (): void => {
    turns++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      counting = false;
      return turns;
    },
  };
}

/** Topics of messages. */
export function topics(messages: readonly Message[]): string[] {
  return messages.map((message) => message.topic);
}

/** Number of sequence numbers missing between 0 and the last one seen. */
export function gaps(sequence: readonly number[], total: number): number {
  return total - new Set(sequence).size;
}

/**
 * Releases what a test opened, after each test of the calling file: sockets
 * first (pending receives end), then forwarders.
 */
export function releaseAfterEach(): {
  open<T extends { close(): void }>(socket: T): T;
  stopAfter(forwarder: Forwarder): Forwarder;
  /** A new inproc forwarder, started, stopped after the test. */
  startedForwarder(): Promise<Forwarder>;
  /** Closes the sockets opened so far, for a test that stops its forwarder itself. */
  closeSockets(): void;
} {
  const sockets: { close(): void }[] = [];
  const forwarders: Forwarder[] = [];
  const closeSockets = (): void => {
    for (const socket of sockets.splice(0)) socket.close();
  };
  afterEach(async () => {
    closeSockets();
    await Promise.all(forwarders.splice(0).map((forwarder) => forwarder.stop()));
  });
  const stopAfter = (forwarder: Forwarder): Forwarder => {
    forwarders.push(forwarder);
    return forwarder;
  };
  return {
    closeSockets,
    open(socket) {
      sockets.push(socket);
      return socket;
    },
    stopAfter,
    async startedForwarder() {
      const forwarder = stopAfter(new Forwarder());
      await forwarder.start();
      return forwarder;
    },
  };
}

/** Where probes go: a topic that no subscriber of the tests selects, but the raw ones. */
const PROBE_TOPIC = "\u0001probe";

/** One ZeroMQ message as a raw reader sees it: its topic and how many messages it carries. */
export type Wire = [topic: string, kind: "bundle" | "copied bundle" | "plain", messages: number];

/**
 * Makes raw zeromq.js subscribers, each opened with `open` (so released after
 * the test): `rawSubscriber(forwarder, publisher, topic)` subscribes to
 * `topic` and returns once what `publisher` sends reaches it, sending probes
 * (a turn of the event loop apart, not timed) until one arrives.
 * {@link readWire} skips the probes still on their way.
 */
export function wireReader(
  open: <T extends { close(): void }>(socket: T) => T,
): (forwarder: Forwarder, publisher: Publisher, topic: string) => Promise<zmq.Subscriber> {
  return async (forwarder, publisher, topic) => {
    const raw = open(new zmq.Subscriber({ linger: 0 }));
    raw.connect(forwarder.subscribeAddress);
    raw.subscribe(topic, PROBE_TOPIC);
    let arrived = false;
    const probed = raw.receive().then(() => (arrived = true));
    while (!arrived) {
      await publisher.sendFrames([PROBE_TOPIC, "probe"]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await probed;
    return raw;
  };
}

/**
 * Reads `raw` until it has carried `count` messages (probes aside). `bodies`,
 * when given, receives the body of every message carried, bundled or not.
 */
export async function readWire(
  raw: zmq.Subscriber,
  count: number,
  bodies?: Buffer[],
): Promise<Wire[]> {
  const wire: Wire[] = [];
  let carried = 0;
  while (carried < count) {
    const frames = await raw.receive();
    const topic = frames[0]!.toString();
    if (topic === PROBE_TOPIC) continue;
    if (isBundle(frames)) {
      const unpacked = bundleBodies(frames)!;
      if (typeof unpacked === "string") throw new Error(`malformed bundle: ${unpacked}`);
      const copied = frames[1]!.equals(COPIED_BUNDLE_MARKER);
      wire.push([topic, copied ? "copied bundle" : "bundle", unpacked.length]);
      bodies?.push(...unpacked);
      carried += unpacked.length;
    } else {
      expect(frames).toHaveLength(2);
      wire.push([topic, "plain", 1]);
      bodies?.push(frames[1]!);
      carried++;
    }
  }
  return wire;
}
