import type { Message } from "@sunflare/forwarder";

import type { StreamSubject } from "../stream.js";
import type { BusPackages } from "./load.js";

/**
 * The bus under test: a `Forwarder` (inproc, `noDrop` like the raw
 * baseline's proxy), one `Publisher` (bundling as by default over inproc,
 * or not with `bundle: false`) and `receivers` `Subscriber`s in this
 * process (receiving in this thread, or in a worker thread each with
 * `offThread`), one awaited `send(topic, value)` per message, a `for await`
 * loop per subscriber that decodes each message's value.
 */
export async function busSubject(
  bus: BusPackages,
  options: {
    topic: string;
    value: (seq: number) => unknown;
    read: (message: Message) => readonly [number, number];
    receivers?: number;
    offThread?: boolean;
    bundle?: boolean;
  },
): Promise<StreamSubject> {
  const { Forwarder, Publisher, Subscriber } = bus.forwarder;
  const { topic, value, read } = options;
  const receivers = options.receivers ?? 1;
  // A subscriber that falls behind then slows the publisher down instead of
  // losing messages, as on the raw baseline.
  const forwarder = new Forwarder({ noDrop: true });
  await forwarder.start();
  const publisher = new Publisher(forwarder, { bundle: options.bundle });
  const subscribers = Array.from(
    { length: receivers },
    () => new Subscriber(forwarder, { topics: topic, offThread: options.offThread ?? false }),
  );
  const loops: Promise<void>[] = [];

  return {
    receivers,
    async ready() {
      await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
    },
    send(seq) {
      return publisher.send(topic, value(seq));
    },
    start(onMessage, onError) {
      for (const subscriber of subscribers) {
        loops.push(
          (async () => {
            for await (const message of subscriber) {
              const [seq, sentAt] = read(message);
              onMessage(seq, sentAt);
            }
          })().catch(onError),
        );
      }
    },
    async close() {
      publisher.close();
      for (const subscriber of subscribers) subscriber.close();
      await Promise.allSettled(loops);
      await forwarder.stop();
    },
  };
}
