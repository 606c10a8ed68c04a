import { writeFile } from "node:fs/promises";

import type { BenchRow } from "../case.js";
import { markdownTable } from "./format.js";
import type { Machine } from "./machine.js";

/** Everything one run produced, as written to the JSON results file. */
export interface RunResults {
  readonly date: string;
  readonly command: string;
  readonly quick: boolean;
  readonly cases: readonly string[];
  readonly machine: Machine;
  readonly seconds: number;
  readonly rows: readonly BenchRow[];
  readonly notes: readonly string[];
}

/** Writes the JSON results file. */
export async function writeJson(path: string, results: RunResults): Promise<void> {
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** Writes RESULTS.md: the table, the machine, the command, the notes. */
export async function writeMarkdown(path: string, results: RunResults): Promise<void> {
  const { machine } = results;
  const targets = results.rows.filter((row) => row.target !== undefined);
  const met = targets.filter((row) => row.target?.met === true).length;
  const text = [
    "# Benchmark results",
    "",
    "Written by the benchmark runner (`--write-results`); do not edit by hand.",
    "",
    `- Date: ${results.date}`,
    `- Command: \`${results.command}\` (in \`bench/\`; from the repository root: \`pnpm bench -- --write-results\`)`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory, ${machine.platform}`,
    `- Runtime: Node ${machine.node}, libzmq ${machine.libzmq}`,
    `- Load average (1 min) at the end of the run: ${machine.loadAverage}`,
    `- Targets met: ${met} of ${targets.length}; the run took ${Math.round(results.seconds)} s`,
    "",
    markdownTable(results.rows),
    "",
    ...(results.notes.length > 0
      ? ["Notes:", "", ...results.notes.map((note) => `- ${note}`), ""]
      : []),
  ].join("\n");
  await writeFile(path, text);
}
