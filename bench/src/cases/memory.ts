import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import type { BenchCase, BenchRow } from "../case.js";
import type { MemoryReading } from "../memory/child.js";
import { settingsOf } from "./settings.js";

const run = promisify(execFile);
const child = fileURLToPath(new URL("../memory/child.ts", import.meta.url));
const label = "7 memory";
const growthLimitMB = 20;

/** Runs one measurement in a fresh node with this process's flags (conditions, gc, tsx). */
async function reading(subject: "raw" | "bus", quick: boolean): Promise<MemoryReading> {
  const { stdout } = await run(
    process.execPath,
    [...process.execArgv, child, subject, quick ? "quick" : "full"],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as MemoryReading;
}

/**
 * Case 7: the resident memory 64 publishers and 64 subscribers add to a
 * process, and how much RSS grows while 1,000,000 small messages go through
 * them round-robin (after a warm-up, full collections before each reading).
 * Each subject runs in its own fresh process.
 */
export const memory: BenchCase = {
  name: "memory",
  async run(context) {
    const settings = settingsOf("memory", context.quick);
    const peers = `${settings.peers} pub + ${settings.peers} sub`;
    const messages = `over ${settings.messages.toLocaleString("en-US")} msgs`;
    const rows: BenchRow[] = [];
    for (const [subject, name] of [
      ["raw", "raw zeromq.js"],
      ["bus", "sunflare bus"],
    ] as const) {
      context.log(`${label}: ${name}`);
      const result = await reading(subject, context.quick);
      for (const note of result.notes) context.note(`${label}: ${note}`);
      if (result.expected === 0) continue;
      if (result.delivered < result.expected) {
        context.note(`${label} ${name}: delivered ${result.delivered} of ${result.expected}`);
      }
      rows.push(
        {
          case: label,
          subject: name,
          value: result.footprint,
          unit: "MB added",
          detail: `${peers} (process RSS ${Math.round(result.rss)} MB)`,
        },
        {
          case: label,
          subject: name,
          value: result.growth,
          unit: "MB growth",
          detail: `${messages} (heap in use ${signedMB(result.heapGrowth)})`,
          ...(subject === "bus"
            ? { target: { text: `< ${growthLimitMB} MB`, met: result.growth < growthLimitMB } }
            : {}),
        },
      );
    }
    return rows;
  },
};

function signedMB(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(1)} MB`;
}
