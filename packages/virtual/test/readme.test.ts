import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tsArgs } from "@sunflare/jest-config/run-ts";

// Runs the README's examples of members ("Plugins in other threads, processes
// and machines") and of placements ("One launch, plugins anywhere") as they
// stand there, and compares their output with the README's.

const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
const examples = (heading: string): string[] => {
  const section = readme.slice(readme.indexOf(heading));
  return [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => match[2]!);
};
const [main, viewer, output] = examples("## Plugins in other threads, processes and machines");

/**
 * Writes `files` (with a `package.json` of type module) to a new directory and
 * runs its `main.ts` from source; resolves with what it printed once it exited
 * by itself.
 */
async function run(files: Record<string, string>): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), "sunflare-readme-"));
  try {
    for (const [name, text] of Object.entries({ ...files, "package.json": '{ "type": "module" }' }))
      writeFileSync(join(directory, name), text);
    const child = spawn(process.execPath, [...tsArgs(), join(directory, "main.ts")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let printed = "";
    child.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    return printed;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const source = join(__dirname, "..", "src", "index.ts");
const fromSource = (code: string): string =>
  code.replaceAll('"@sunflare/virtual"', JSON.stringify(source));

test("the README's worker example runs and prints what the README says", async () => {
  expect(main).toMatch(/^\/\/ main\.ts\n/);
  expect(viewer).toMatch(/^\/\/ viewer\.ts/);
  const entry = join(require.resolve("@sunflare/jest-config/run-ts"), "..", "tsx-worker.mjs");
  // The one change: the worker starts from TypeScript source (Node 20 does
  // not run a .ts worker by itself), through the test helper.
  const shim = [
    `import { Worker as NodeWorker } from "node:worker_threads";`,
    `export function Worker(url: URL, options: { workerData: object }) {`,
    `  return new NodeWorker(${JSON.stringify(entry)}, {`,
    `    execArgv: ["--conditions=@sunflare/source"],`,
    `    workerData: { ...options.workerData, entry: url.href.replace(/\\.js$/, ".ts") },`,
    `  });`,
    `}`,
  ].join("\n");
  const printed = await run({
    "worker-shim.ts": shim,
    "main.ts": fromSource(main!).replace('from "node:worker_threads"', 'from "./worker-shim.js"'),
    "viewer.ts": fromSource(viewer!),
  });
  expect(printed).toBe(output);
});

test("the README's launch example runs, in a worker and a child process, and prints what the README says", async () => {
  const [launchMain, placed, printed] = examples("### One launch, plugins anywhere");
  expect(launchMain).toMatch(/^\/\/ main\.ts\n/);
  expect(placed).toMatch(/^\/\/ viewer\.ts/);
  // The one change: the host runs TypeScript through tsx, so it places viewer.ts.
  const shown = await run({
    "main.ts": fromSource(launchMain!).replace("./viewer.js", "./viewer.ts"),
    "viewer.ts": fromSource(placed!),
  });
  expect(shown).toBe(printed);
});
