import type { Transport } from "../../src/index.js";
import { Forwarder, Publisher, Subscriber } from "../../src/index.js";

/** Settings of {@link runCapacity}. */
export interface CapacityOptions {
  publishers: number;
  subscribers: number;
  /** Messages each publisher sends. */
  perPublisher: number;
  /**
   * How far (in messages) a publisher may run ahead of the slowest
   * subscriber: what keeps the stream under capacity. The default queues
   * (forwarder 10,000 plus subscriber 10,000 per subscriber) hold
   * `publishers * window` easily.
   */
  window?: number;
  transport?: Transport;
}

/** What {@link runCapacity} observed. */
export interface CapacityResult {
  /** Messages each subscriber received, per publisher. */
  counts: number[][];
  /** Messages that arrived out of per-publisher order (must be 0). */
  outOfOrder: number;
  ms: number;
}

/**
 * Several publishers send sequenced messages flat out, but never more than
 * `window` ahead of the slowest subscriber; every subscriber checks the
 * per-publisher order of what it receives.
 */
export async function runCapacity(options: CapacityOptions): Promise<CapacityResult> {
  const { publishers: p, subscribers: s, perPublisher, window = 1000 } = options;
  const forwarder = new Forwarder({ transport: options.transport ?? "inproc" });
  await forwarder.start();
  const counts = Array.from({ length: s }, () => new Array<number>(p).fill(0));
  let outOfOrder = 0;
  const waiting: ((() => void) | undefined)[] = new Array(p).fill(undefined);
  const needed = new Array<number>(p).fill(0);
  const slowest = (publisher: number): number => {
    let min = Infinity;
    for (const row of counts) min = Math.min(min, row[publisher]!);
    return min;
  };
  let remaining = s * p * perPublisher;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const subscribers = counts.map(
    (row) =>
      new Subscriber(forwarder, {
        topics: "cap",
        consume: (message) => {
          const [publisher, seq] = message.value as [number, number];
          if (seq !== row[publisher]) outOfOrder++;
          row[publisher] = seq + 1;
          const wake = waiting[publisher];
          if (wake && slowest(publisher) >= needed[publisher]!) {
            waiting[publisher] = undefined;
            wake();
          }
          if (--remaining === 0) finish();
        },
      }),
  );
  const senders = Array.from({ length: p }, () => new Publisher(forwarder));
  const started = performance.now();
  try {
    await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
    await Promise.all(
      senders.map(async (sender, publisher) => {
        for (let seq = 0; seq < perPublisher; seq++) {
          if (seq - slowest(publisher) >= window) {
            needed[publisher] = seq - window / 2;
            await new Promise<void>((resolve) => (waiting[publisher] = resolve));
          }
          await sender.send("cap", [publisher, seq]);
        }
      }),
    );
    await finished;
  } finally {
    for (const socket of [...senders, ...subscribers]) socket.close();
    await forwarder.stop();
  }
  return { counts, outOfOrder, ms: performance.now() - started };
}
