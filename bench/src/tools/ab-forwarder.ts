/**
 * A/B comparison of two copies of `@sunflare/forwarder` (e.g. the package and
 * a patched copy), small messages, rounds alternating in one process so that
 * machine load hits both alike. Prints median msg/s and CPU µs per message.
 *
 * Usage (in bench/): node --conditions=@sunflare/source --expose-gc --import tsx \
 *   src/tools/ab-forwarder.ts <dirA>/src/index.ts <dirB>/src/index.ts [--rounds 9] [--count 100000]
 */
import { parseArgs } from "node:util";

import * as codec from "@sunflare/codec";

import type { BusPackages } from "../bus/load.js";
import { busSubject } from "../bus/subject.js";
import { throughputRounds } from "../stream.js";
import { median } from "../util/stats.js";
import { now } from "../util/timing.js";

const { values, positionals } = parseArgs({
  options: {
    rounds: { type: "string", default: "9" },
    count: { type: "string", default: "100000" },
  },
  allowPositionals: true,
});
if (positionals.length !== 2) {
  process.stderr.write(
    "Usage: ab-forwarder <A/src/index.ts> <B/src/index.ts> [--rounds N] [--count N]\n",
  );
  process.exit(2);
}
const variants = await Promise.all(
  positionals.map(async (path) => ({
    path,
    packages: { codec, forwarder: (await import(path)) as BusPackages["forwarder"] },
    rates: [] as number[],
    cpu: [] as number[],
  })),
);
const count = Number(values.count);
for (let round = 0; round < Number(values.rounds); round++) {
  for (const variant of variants) {
    const [result] = await throughputRounds(
      () =>
        busSubject(variant.packages, {
          topic: "bench/ab",
          value: (seq) => ({ seq, t: now() }),
          read: (message) => {
            const value = message.value as { seq: number; t: number };
            return [value.seq, value.t];
          },
        }),
      { count, warmup: count / 10, rounds: 1 },
    );
    if (result === undefined) continue;
    variant.rates.push(result.rate);
    variant.cpu.push(result.cpuPerMessage);
  }
}
for (const { path, rates, cpu } of variants) {
  const rate = Math.round(median(rates)).toLocaleString("en-US");
  process.stdout.write(`${path}: ${rate} msg/s, ${median(cpu).toFixed(2)} µs CPU/msg (median)\n`);
}
