/**
 * What `Subscriber.ready()` costs as a bus grows: N publishers and N
 * subscribers on one forwarder (each subscriber on its own topic), timed
 * from creating them to every `ready()` resolved, then one more subscriber's
 * `ready()` on the grown bus.
 *
 * Usage (in bench/): node --conditions=@sunflare/source --import tsx src/tools/ready-cost.ts [--rounds 3]
 */
import { parseArgs } from "node:util";

import { Forwarder, Publisher, Subscriber } from "@sunflare/forwarder";

import { median } from "../util/stats.js";
import { now } from "../util/timing.js";

async function measure(peers: number): Promise<{ all: number; one: number }> {
  const forwarder = new Forwarder();
  await forwarder.start();
  const started = now();
  const publishers = Array.from({ length: peers }, () => new Publisher(forwarder));
  const subscribers = Array.from(
    { length: peers },
    (_, index) => new Subscriber(forwarder, { topics: `topic/${index}` }),
  );
  await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
  const all = now() - started;
  const late = new Subscriber(forwarder, { topics: "late" });
  const lateStarted = now();
  await late.ready();
  const one = now() - lateStarted;
  for (const socket of [...publishers, ...subscribers, late]) socket.close();
  await forwarder.stop();
  return { all, one };
}

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const rounds = Number(values.rounds);
console.log("peers  all ready (ms)  one more (ms)   [median of %d rounds]", rounds);
for (const peers of [8, 16, 32, 64, 128]) {
  const runs = [];
  for (let round = 0; round < rounds; round++) runs.push(await measure(peers));
  const all = median(runs.map((run) => run.all));
  const one = median(runs.map((run) => run.one));
  console.log(
    `${String(peers).padStart(5)}  ${all.toFixed(1).padStart(14)}  ${one.toFixed(2).padStart(13)}`,
  );
}
