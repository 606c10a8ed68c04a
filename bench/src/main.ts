import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import type { BenchRow } from "./case.js";
import { allCases } from "./cases/index.js";
import { textTable } from "./report/format.js";
import { machine } from "./report/machine.js";
import type { RunResults } from "./report/results.js";
import { writeJson, writeMarkdown } from "./report/results.js";

const benchDirectory = fileURLToPath(new URL("..", import.meta.url));

const usage = `Usage: pnpm bench [-- options]

  --quick            a smoke run with small counts (under a minute)
  --only <case>      run only these cases (repeat, or comma-separate)
  --json <path>      where to write the JSON results (default bench/results.json)
  --write-results    also write bench/RESULTS.md (full runs of every case only)
  --help             this text
`;

async function main(): Promise<number> {
  // `pnpm bench -- --quick` hands the `--` separator through: drop it.
  const args = process.argv.slice(2).filter((arg) => arg !== "--");
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", multiple: true },
      json: { type: "string" },
      "write-results": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }

  const cases = await allCases();
  const only = (values.only ?? []).flatMap((name) => name.split(",")).filter(Boolean);
  const unknown = only.filter((name) => !cases.some((entry) => entry.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown case ${unknown.join(", ")}; cases: ${cases.map((entry) => entry.name).join(", ")}\n`,
    );
    return 2;
  }
  if (values["write-results"] && (values.quick || only.length > 0)) {
    process.stderr.write(
      "--write-results records full runs of every case: drop --quick and --only\n",
    );
    return 2;
  }
  const selected = only.length > 0 ? cases.filter((entry) => only.includes(entry.name)) : cases;

  const rows: BenchRow[] = [];
  const notes: string[] = [];
  let failed = false;
  const started = performance.now();
  for (const benchCase of selected) {
    const context = {
      quick: values.quick,
      log: (line: string) => process.stderr.write(`  ${line}\n`),
      note: (line: string) => {
        if (!notes.includes(line)) notes.push(line);
      },
    };
    process.stderr.write(`[${benchCase.name}]\n`);
    const caseStarted = performance.now();
    try {
      rows.push(...(await benchCase.run(context)));
    } catch (error) {
      failed = true;
      notes.push(
        `${benchCase.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    process.stderr.write(`  done in ${((performance.now() - caseStarted) / 1000).toFixed(1)} s\n`);
  }

  const results: RunResults = {
    date: new Date().toISOString(),
    command: ["pnpm bench", ...args].join(" "),
    quick: values.quick,
    cases: selected.map((entry) => entry.name),
    machine: machine(),
    seconds: (performance.now() - started) / 1000,
    rows,
    notes,
  };

  process.stdout.write(`${textTable(rows)}\n`);
  if (notes.length > 0)
    process.stdout.write(`\n${notes.map((note) => `note: ${note}`).join("\n")}\n`);
  const jsonPath = resolve(values.json ?? resolve(benchDirectory, "results.json"));
  await writeJson(jsonPath, results);
  process.stdout.write(`\nresults: ${jsonPath}\n`);
  if (values["write-results"]) {
    const markdownPath = resolve(benchDirectory, "RESULTS.md");
    await writeMarkdown(markdownPath, results);
    process.stdout.write(`results table: ${markdownPath}\n`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
