import * as zmq from "zeromq";

import type { BenchCase, BenchRow } from "../case.js";
import { loadBus, loadVirtual } from "../bus/load.js";
import { startRawProxy } from "../raw/proxy.js";
import { sendLossless } from "../raw/send.js";
import { collectGarbage, deferred, now, waitFor } from "../util/timing.js";
import { settingsOf } from "./settings.js";

const label = "7 memory";
const growthLimitMB = 20;

/** Many publishers and subscribers, subscriber `i` on topic `i`, publisher `i` sending to it. */
interface Fleet {
  ready(): Promise<void>;
  send(index: number, seq: number): Promise<void>;
  start(onMessage: () => void): void;
  close(): Promise<void>;
}

const topicOf = (index: number): string => `bench/memory/${String(index).padStart(3, "0")}`;

/** Resident set size in MB, after a full collection. */
function residentMB(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage.rss() / 2 ** 20;
}

/** The raw zeromq.js fleet on a raw XSUB/XPUB proxy. */
async function rawFleet(peers: number): Promise<Fleet> {
  const proxy = await startRawProxy({ noDrop: true });
  const publishers = Array.from({ length: peers }, () => {
    const publisher = new zmq.Publisher({ noDrop: true });
    publisher.connect(proxy.publishAddress);
    return publisher;
  });
  const subscribers = Array.from({ length: peers }, (_, index) => {
    const subscriber = new zmq.Subscriber();
    subscriber.connect(proxy.subscribeAddress);
    subscriber.subscribe(topicOf(index));
    return subscriber;
  });
  const probed = new Set<number>();
  const loops: Promise<void>[] = [];
  let onMessage = (): void => undefined;
  return {
    async ready() {
      this.start(() => undefined);
      // Probes until every subscriber has heard from its publisher.
      while (probed.size < peers) {
        await Promise.all(
          publishers.map((publisher, index) =>
            probed.has(index) ? undefined : sendLossless(publisher, [topicOf(index), ""]),
          ),
        );
        await new Promise((r) => setTimeout(r, 1));
      }
    },
    send(index, seq) {
      return sendLossless(publishers[index]!, [topicOf(index), JSON.stringify({ seq, t: now() })]);
    },
    start(callback) {
      onMessage = callback;
      if (loops.length > 0) return;
      subscribers.forEach((subscriber, index) => {
        loops.push(
          (async () => {
            for await (const [, body] of subscriber) {
              if (body === undefined || body.length === 0) {
                probed.add(index);
                continue;
              }
              JSON.parse(body.toString());
              onMessage();
            }
          })(),
        );
      });
    },
    async close() {
      for (const socket of [...publishers, ...subscribers]) socket.close();
      await Promise.allSettled(loops);
      await proxy.stop();
    },
  };
}

/** The bus fleet: a `VirtualBus` (or a bare `Forwarder` before it exists). */
async function busFleet(peers: number, note: (line: string) => void): Promise<Fleet | undefined> {
  const virtual = await loadVirtual();
  const bus = await loadBus();
  if (typeof bus === "string") {
    note(bus);
    return undefined;
  }
  let open: {
    publisher: () => InstanceType<typeof bus.forwarder.Publisher>;
    subscriber: (topic: string) => InstanceType<typeof bus.forwarder.Subscriber>;
    close: () => Promise<void>;
  };
  if (typeof virtual === "string") {
    note(`${label}: ${virtual}; measured on a bare Forwarder`);
    const forwarder = new bus.forwarder.Forwarder();
    await forwarder.start();
    open = {
      publisher: () => new bus.forwarder.Publisher(forwarder),
      subscriber: (topic) => new bus.forwarder.Subscriber(forwarder, { topics: topic }),
      close: () => forwarder.stop(),
    };
  } else {
    const virtualBus = new virtual.VirtualBus();
    await virtualBus.ready();
    open = {
      publisher: () => virtualBus.connectPublisher(),
      subscriber: (topic) => virtualBus.connectSubscriber(topic),
      close: () => virtualBus.shutdown(),
    };
  }
  const publishers = Array.from({ length: peers }, () => open.publisher());
  const subscribers = Array.from({ length: peers }, (_, index) => open.subscriber(topicOf(index)));
  const loops: Promise<void>[] = [];
  let onMessage = (): void => undefined;
  return {
    async ready() {
      await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
    },
    send(index, seq) {
      return publishers[index]!.send(topicOf(index), { seq, t: now() });
    },
    start(callback) {
      onMessage = callback;
      if (loops.length > 0) return;
      for (const subscriber of subscribers) {
        loops.push(
          (async () => {
            for await (const message of subscriber) {
              void message.value;
              onMessage();
            }
          })(),
        );
      }
    },
    async close() {
      for (const publisher of publishers) publisher.close();
      for (const subscriber of subscribers) subscriber.close();
      await Promise.allSettled(loops);
      await open.close();
    },
  };
}

/** Sends `count` messages round-robin over the fleet and waits for every delivery. */
async function stream(fleet: Fleet, peers: number, count: number): Promise<number> {
  let delivered = 0;
  const finished = deferred();
  fleet.start(() => {
    if (++delivered === count) finished.resolve();
  });
  for (let seq = 0; seq < count; seq++) await fleet.send(seq % peers, seq);
  await waitFor(finished.promise, () => delivered);
  return delivered;
}

/** Footprint of the fleet and RSS growth over the stream, in MB. */
async function measure(
  create: () => Promise<Fleet | undefined>,
  settings: { peers: number; messages: number; warmup: number },
  subject: string,
  note: (line: string) => void,
): Promise<{ footprint: number; growth: number } | undefined> {
  const before = residentMB();
  const fleet = await create();
  if (fleet === undefined) return undefined;
  try {
    await fleet.ready();
    const footprint = residentMB() - before;
    await stream(fleet, settings.peers, settings.warmup);
    const start = residentMB();
    const delivered = await stream(fleet, settings.peers, settings.messages);
    const growth = residentMB() - start;
    if (delivered < settings.messages) {
      note(`${label} ${subject}: delivered ${delivered} of ${settings.messages}`);
    }
    return { footprint, growth };
  } finally {
    await fleet.close();
  }
}

/**
 * Case 7: the resident memory a bus with 64 publishers and 64 subscribers
 * adds, and how much RSS grows while 1,000,000 small messages go through it
 * (after a warm-up, with full collections before each reading).
 */
export const memory: BenchCase = {
  name: "memory",
  async run(context) {
    const settings = settingsOf("memory", context.quick);
    const peers = `${settings.peers} pub + ${settings.peers} sub`;
    const messages = `${settings.messages.toLocaleString("en-US")} msgs`;
    const rows: BenchRow[] = [];
    context.log(`${label}: raw zeromq.js`);
    const raw = await measure(() => rawFleet(settings.peers), settings, "raw", context.note);
    if (raw !== undefined) {
      rows.push(
        {
          case: label,
          subject: "raw zeromq.js",
          value: raw.footprint,
          unit: "MB RSS",
          detail: peers,
        },
        {
          case: label,
          subject: "raw zeromq.js",
          value: raw.growth,
          unit: "MB growth",
          detail: messages,
        },
      );
    }
    context.log(`${label}: sunflare bus`);
    const ours = await measure(
      () => busFleet(settings.peers, context.note),
      settings,
      "bus",
      context.note,
    );
    if (ours !== undefined) {
      rows.push(
        {
          case: label,
          subject: "sunflare bus",
          value: ours.footprint,
          unit: "MB RSS",
          detail: peers,
        },
        {
          case: label,
          subject: "sunflare bus",
          value: ours.growth,
          unit: "MB growth",
          detail: messages,
          target: { text: `< ${growthLimitMB} MB`, met: ours.growth < growthLimitMB },
        },
      );
    }
    return rows;
  },
};
