import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { numberArg } from "./args.js";

// Every soak in turn, each in its own process with a time limit (a process
// that does not exit by itself fails). Exits non-zero if any failed.
//
//   node --conditions=@sunflare/source --import tsx soak/all.ts [--minutes 10]

const here = fileURLToPath(new URL(".", import.meta.url));
const minutes = numberArg("minutes", 10);
const soaks: [string, string[], number][] = [
  ["garbage.ts", ["--runs", "10000"], 300_000],
  ["capacity.ts", ["--total", "1000000"], 600_000],
  ["shutdown.ts", ["--rounds", "50"], 300_000],
  ["memory.ts", ["--minutes", String(minutes)], minutes * 60_000 + 120_000],
];

function run(file: string, args: string[], limitMs: number): Promise<number | null> {
  const child = spawn(process.execPath, [...process.execArgv, join(here, file), ...args], {
    stdio: "inherit",
  });
  const limit = setTimeout(() => child.kill("SIGKILL"), limitMs);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(limit);
      resolve(code);
    }),
  );
}

const results: Record<string, number | null> = {};
for (const [file, args, limitMs] of soaks) {
  console.log(`\n== ${file} ${args.join(" ")}`);
  results[file] = await run(file, args, limitMs);
}
console.log("\n== exit codes (null: killed at its time limit)", results);
if (Object.values(results).some((code) => code !== 0)) process.exitCode = 1;
