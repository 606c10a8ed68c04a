import { setTimeout as delay } from "node:timers/promises";
import type { Transport } from "../src/index.js";
import { Forwarder, Publisher, Subscriber } from "../src/index.js";
import { mb, numberArg, stringArg } from "./args.js";

// Memory soak: a steady stream for `--minutes` while subscribers keep joining
// and leaving; samples RSS and prints start, peak, end and growth.
//
//   node --conditions=@sunflare/source --import tsx soak/memory.ts --minutes 10

const minutes = numberArg("minutes", 10);
const rate = numberArg("rate", 2000); // messages per second
const churnMs = numberArg("churn-ms", 250); // a subscriber joins (and the oldest leaves) this often
const transients = numberArg("transients", 4); // transient subscribers alive at a time
const sampleMs = numberArg("sample-ms", 5000);
const transport = stringArg("transport", "inproc") as Transport;
const durationMs = minutes * 60_000;

const forwarder = new Forwarder({ transport });
await forwarder.start();
const publisher = new Publisher(forwarder);
const payload = new Uint8Array(512).fill(7);

// Two steady subscribers check that the stream stays complete and in order.
let steadyReceived = 0;
let steadyGaps = 0;
const steadyLast = [-1, -1];
const steady = [0, 1].map(
  (index) =>
    new Subscriber(forwarder, {
      topics: "soak",
      consume: (message) => {
        const { seq } = message.value as { seq: number };
        const last = steadyLast[index]!;
        if (seq !== last + 1) steadyGaps += seq - last - 1;
        steadyLast[index] = seq;
        steadyReceived++;
      },
    }),
);
await Promise.all(steady.map((subscriber) => subscriber.ready()));

let joined = 0;
let transientReceived = 0;
const alive: Subscriber[] = [];
const churn = async (): Promise<void> => {
  const subscriber = new Subscriber(forwarder, {
    topics: "soak",
    consume: () => void transientReceived++,
  });
  alive.push(subscriber);
  joined++;
  await subscriber.ready().catch(() => undefined);
  while (alive.length > transients) alive.shift()?.close();
};

const samples: { t: number; rss: number; heap: number }[] = [];
// With --expose-gc, samples show what is retained rather than what the
// collector has not got round to yet.
const gc = (globalThis as { gc?: () => void }).gc;
const sample = (t: number): void => {
  gc?.();
  const usage = process.memoryUsage();
  samples.push({ t, rss: usage.rss, heap: usage.heapUsed });
  console.log(
    `t=${(t / 1000).toFixed(0).padStart(4)}s rss=${mb(usage.rss)} MB heap=${mb(usage.heapUsed)} MB ` +
      `sent=${sent} steady=${steadyReceived} joined=${joined}`,
  );
};

let sent = 0;
const started = performance.now();
let nextSample = 0;
let nextChurn = 0;
for (;;) {
  const elapsed = performance.now() - started;
  if (elapsed >= durationMs) break;
  if (elapsed >= nextSample) {
    sample(elapsed);
    nextSample += sampleMs;
  }
  if (elapsed >= nextChurn) {
    void churn();
    nextChurn += churnMs;
  }
  const due = Math.floor((elapsed * rate) / 1000);
  while (sent < due) await publisher.send("soak", { seq: sent++, payload });
  // Pacing only: the stream runs at a steady rate, not flat out.
  await delay(5);
}
// Let the steady subscribers drain what is in flight (bounded, end marker style).
while (
  steadyLast.some((last) => last < sent - 1) &&
  performance.now() - started < durationMs + 10_000
)
  await delay(10);
sample(performance.now() - started);

for (const subscriber of [...alive, ...steady]) subscriber.close();
publisher.close();
await forwarder.stop();

const first = samples[0]!;
const last = samples.at(-1)!;
const warm = samples.find((s) => s.t >= 60_000) ?? first;
// V8 grows its young generation once, after a number of allocations that a
// stream reaches sooner or later depending on what it allocates per message:
// the second half shows what the stream keeps.
const half = samples.find((s) => s.t >= durationMs / 2) ?? first;
const peak = samples.reduce((a, b) => (b.rss > a.rss ? b : a));
const summary = {
  minutes,
  rate,
  transport,
  sent,
  steadyReceived,
  steadyGaps,
  subscribersJoined: joined,
  transientReceived,
  rssStartMB: mb(first.rss),
  rssAfter1MinMB: mb(warm.rss),
  rssPeakMB: mb(peak.rss),
  rssPeakAtS: Math.round(peak.t / 1000),
  rssEndMB: mb(last.rss),
  rssGrowthMB: mb(last.rss - first.rss),
  rssGrowthAfter1MinMB: mb(last.rss - warm.rss),
  rssGrowthSecondHalfMB: mb(last.rss - half.rss),
  heapStartMB: mb(first.heap),
  heapEndMB: mb(last.heap),
};
console.log(JSON.stringify(summary, null, 2));
if (steadyGaps > 0 || steadyReceived !== 2 * sent) process.exitCode = 1;
