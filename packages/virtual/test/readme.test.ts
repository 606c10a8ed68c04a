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

/** Runs `main.ts` of `directory` from source; resolves with what it printed once it exited by itself. */
async function run(directory: string): Promise<string> {
  const child = spawn(process.execPath, [...tsArgs(), join(directory, "main.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let printed = "";
  child.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code).toBe(0);
  return printed;
}

const source = join(__dirname, "..", "src", "index.ts");
const fromSource = (code: string): string =>
  code.replaceAll('"@sunflare/virtual"', JSON.stringify(source));

test("the README's worker example runs and prints what the README says", async () => {
  expect(main).toMatch(/^\/\/ main\.ts\n/);
  expect(viewer).toMatch(/^\/\/ viewer\.ts/);
  const directory = mkdtempSync(join(tmpdir(), "sunflare-readme-"));
  try {
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
    writeFileSync(join(directory, "worker-shim.ts"), shim);
    writeFileSync(
      join(directory, "main.ts"),
      fromSource(main!).replace('from "node:worker_threads"', 'from "./worker-shim.js"'),
    );
    writeFileSync(join(directory, "viewer.ts"), fromSource(viewer!));
    writeFileSync(join(directory, "package.json"), '{ "type": "module" }');
    expect(await run(directory)).toBe(output);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("the README's launch example runs, in a worker and a child process, and prints what the README says", async () => {
  const [launchMain, placed, printed] = examples("### One launch, plugins anywhere");
  expect(launchMain).toMatch(/^\/\/ main\.ts\n/);
  expect(placed).toMatch(/^\/\/ viewer\.ts/);
  const directory = mkdtempSync(join(tmpdir(), "sunflare-readme-"));
  try {
    // The one change: the host runs TypeScript through tsx, so it places viewer.ts.
    writeFileSync(
      join(directory, "main.ts"),
      fromSource(launchMain!).replace("./viewer.js", "./viewer.ts"),
    );
    writeFileSync(join(directory, "viewer.ts"), fromSource(placed!));
    writeFileSync(join(directory, "package.json"), '{ "type": "module" }');
    expect(await run(directory)).toBe(printed);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
