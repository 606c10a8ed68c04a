import { setTimeout as delay } from "node:timers/promises";
import type { Message } from "../../src/index.js";
import { Forwarder, Publisher, Subscriber } from "../../src/index.js";

// README "Flow control" with a consumer that really takes 10 ms per message.
// (test/flow.test.ts covers a subscriber that reads nothing, a noDrop
// subscriber that reads only at the end, and a noDrop forwarder.)

const total = 300;
const all = Array.from({ length: total }, (_, i) => i);

test("a 10 ms-per-message subscriber next to a fast one: the publisher never waits, the fast one gets everything, the slow one counts its losses from sequence gaps, a noDrop one loses nothing", async () => {
  const forwarder = new Forwarder({ highWaterMark: 50 });
  const fast: number[] = [];
  let fastDone!: () => void;
  const fastFinished = new Promise<void>((resolve) => (fastDone = resolve));
  const fastSubscriber = new Subscriber(forwarder, {
    topics: "seq",
    consume: (message) => {
      fast.push((message.value as { seq: number }).seq);
      if (fast.length === total) fastDone();
    },
  });

  // The lossy slow subscriber counts what it missed from the sequence numbers
  // alone, as an application would; the end marker carries the last number.
  const kept: number[] = [];
  let counted = 0;
  let last = -1;
  let progress: (() => void) | undefined;
  let lossyDone = false;
  const lossy = new Subscriber(forwarder, {
    topics: ["seq", "end"],
    highWaterMark: 50,
    consume: async (message: Message) => {
      const { seq } = message.value as { seq: number };
      counted += seq - last - 1;
      if (message.topic === "end") lossyDone = true;
      else {
        last = seq;
        kept.push(seq);
        await delay(10); // the work this consumer does per message
      }
      progress?.();
    },
  });

  const safe: number[] = [];
  let safeDone!: () => void;
  const safeFinished = new Promise<void>((resolve) => (safeDone = resolve));
  const noDrop = new Subscriber(forwarder, {
    topics: "seq",
    noDrop: true,
    consume: async (message) => {
      safe.push((message.value as { seq: number }).seq);
      if (safe.length === total) safeDone();
      await delay(10);
    },
  });
  // One ZeroMQ message per send: high-water marks count ZeroMQ messages, and
  // a bundle of this whole stream would fit in the slow one's queue
  // (test/flow.test.ts runs loss counting with bundles too).
  const publisher = new Publisher(forwarder, { bundle: false });
  try {
    await Promise.all([fastSubscriber.ready(), lossy.ready(), noDrop.ready()]);
    for (const seq of all) await publisher.send("seq", { seq });
    // The whole stream is out while the slow ones are still near the start:
    // neither the lossy nor the noDrop subscriber slowed the publisher.
    expect(safe.length).toBeLessThan(total / 2);
    expect(kept.length).toBeLessThan(total / 2);
    await fastFinished;
    expect(fast).toEqual(all);

    // One end marker per message the lossy subscriber gets through, until
    // one fits in its queue.
    while (!lossyDone) {
      const moved = new Promise<void>((resolve) => (progress = resolve));
      await publisher.send("end", { seq: total });
      await moved;
    }
    const lost = total - kept.length;
    expect(lost).toBeGreaterThan(0);
    expect(counted).toBe(lost);
    // What it kept arrived in order, at least as many as its own queue holds.
    expect(kept.every((seq, i) => i === 0 || seq > kept[i - 1]!)).toBe(true);
    expect(kept.length).toBeGreaterThanOrEqual(50);

    await safeFinished;
    expect(safe).toEqual(all);
  } finally {
    for (const socket of [fastSubscriber, lossy, noDrop, publisher]) socket.close();
    await forwarder.stop();
  }
});
