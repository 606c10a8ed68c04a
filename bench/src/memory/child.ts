/**
 * One memory measurement in a fresh process, so that no other case's heap or
 * sockets show up in its RSS: `child.ts <raw|bus> <quick|full>` prints one
 * JSON object `{ footprint, growth, delivered, notes }` (MB) on stdout.
 */
import { loadBus, loadVirtual } from "../bus/load.js";
import { settingsOf } from "../cases/settings.js";
import { collectGarbage, deferred, waitFor } from "../util/timing.js";
import type { Fleet } from "./fleet.js";
import { busFleet, rawFleet } from "./fleet.js";

/** The result line the parent reads. */
export interface MemoryReading {
  /** RSS added by creating the fleet and waiting until it is ready, MB. */
  readonly footprint: number;
  /** Process RSS with the fleet ready, MB. */
  readonly rss: number;
  /** RSS growth over the measured stream, MB. */
  readonly growth: number;
  /** Growth of the JavaScript heap in use over the measured stream, MB. */
  readonly heapGrowth: number;
  readonly delivered: number;
  readonly expected: number;
  readonly notes: readonly string[];
}

/** Resident set size and JavaScript heap in use, MB, after full collections. */
function memoryMB(): { rss: number; heapUsed: number } {
  collectGarbage();
  collectGarbage();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: rss / 2 ** 20, heapUsed: heapUsed / 2 ** 20 };
}

/** Sends `count` messages round-robin over the fleet and waits for every delivery. */
async function stream(fleet: Fleet, peers: number, count: number): Promise<number> {
  let delivered = 0;
  const finished = deferred();
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  fleet.start(() => {
    if (++delivered === count) finished.resolve();
  }, fail);
  for (let seq = 0; seq < count; seq++) await fleet.send(seq % peers, seq);
  await Promise.race([waitFor(finished.promise, () => delivered), failed]);
  return delivered;
}

async function main(): Promise<MemoryReading | undefined> {
  const [subject, mode] = process.argv.slice(2);
  const settings = settingsOf("memory", mode === "quick");
  const notes: string[] = [];
  // Load (and transpile) the packages before the first reading: the footprint
  // is what the sockets cost, not the code.
  if (subject !== "raw") await Promise.all([loadBus(), loadVirtual()]);
  const before = memoryMB().rss;
  const fleet =
    subject === "raw"
      ? await rawFleet(settings.peers)
      : await busFleet(settings.peers, (line) => notes.push(line));
  if (fleet === undefined)
    return { footprint: 0, rss: 0, growth: 0, heapGrowth: 0, delivered: 0, expected: 0, notes };
  try {
    await fleet.ready();
    const { rss } = memoryMB();
    await stream(fleet, settings.peers, settings.warmup);
    const start = memoryMB();
    const delivered = await stream(fleet, settings.peers, settings.messages);
    const end = memoryMB();
    return {
      footprint: rss - before,
      rss,
      growth: end.rss - start.rss,
      heapGrowth: end.heapUsed - start.heapUsed,
      delivered,
      expected: settings.messages,
      notes,
    };
  } finally {
    await fleet.close();
  }
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
