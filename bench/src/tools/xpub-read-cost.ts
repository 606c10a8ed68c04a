/**
 * What a pending receive on the sending socket costs each send: raw zeromq.js
 * small messages through an XSUB/XPUB proxy, sent from a `Publisher`, an
 * `XPublisher`, and an `XPublisher` with a receive loop reading subscription
 * notices (as a publisher that tracks its subscribers does).
 *
 * Usage (in bench/): node --import tsx src/tools/xpub-read-cost.ts [--rounds 3]
 */
import { parseArgs } from "node:util";

import * as zmq from "zeromq";

import { startRawProxy } from "../raw/proxy.js";
import { sendLossless } from "../raw/send.js";
import { median } from "../util/stats.js";
import { deferred, now } from "../util/timing.js";

type Kind = "Publisher" | "XPublisher" | "XPublisher + notice reader";
const count = 150_000;

async function measure(kind: Kind): Promise<{ rate: number; cpu: number }> {
  const proxy = await startRawProxy({ noDrop: false });
  const publisher =
    kind === "Publisher"
      ? new zmq.Publisher({ noDrop: true })
      : new zmq.XPublisher({ noDrop: true });
  const reader =
    kind === "XPublisher + notice reader"
      ? (async () => {
          for await (const notice of publisher as zmq.XPublisher) void notice;
        })().catch(() => undefined)
      : undefined;
  publisher.connect(proxy.publishAddress);
  const subscriber = new zmq.Subscriber({ receiveHighWaterMark: 10_000 });
  subscriber.connect(proxy.subscribeAddress);
  subscriber.subscribe("t");
  let received = 0;
  let probed = false;
  const finished = deferred();
  const loop = (async () => {
    for await (const [, body] of subscriber) {
      if (body?.length === 0) probed = true;
      else if (++received === count) finished.resolve();
    }
  })().catch(() => undefined);
  while (!probed) {
    await sendLossless(publisher as zmq.Publisher, ["t", ""]);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const body = Buffer.from('{"seq":1,"t":2}');
  const cpu = process.cpuUsage();
  const start = now();
  for (let i = 0; i < count; i++) await sendLossless(publisher as zmq.Publisher, ["t", body]);
  await finished.promise;
  const used = process.cpuUsage(cpu);
  const rate = count / ((now() - start) / 1000);
  publisher.close();
  subscriber.close();
  await Promise.all([loop, reader]);
  await proxy.stop();
  return { rate, cpu: (used.user + used.system) / count };
}

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const kinds: Kind[] = ["Publisher", "XPublisher", "XPublisher + notice reader"];
const results = new Map(
  kinds.map((kind) => [kind, { rates: [] as number[], cpu: [] as number[] }]),
);
for (let round = 0; round < Number(values.rounds); round++) {
  for (const kind of kinds) {
    const { rate, cpu } = await measure(kind);
    results.get(kind)?.rates.push(rate);
    results.get(kind)?.cpu.push(cpu);
  }
}
for (const [kind, { rates, cpu }] of results) {
  const rate = Math.round(median(rates)).toLocaleString("en-US");
  process.stdout.write(`${kind.padEnd(28)} ${rate} msg/s, ${median(cpu).toFixed(2)} µs CPU/msg\n`);
}
