import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tsArgs } from "@sunflare/jest-config/run-ts";

// Runs the README's worker example ("Plugins in other threads, processes and
// machines") as it stands there, and compares its output with the README's.

const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Plugins in other threads, processes and machines"));
const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => match[2]!);
const [main, viewer, output] = blocks;

test("the README's worker example runs and prints what the README says", async () => {
  expect(main).toMatch(/^\/\/ main\.ts\n/);
  expect(viewer).toMatch(/^\/\/ viewer\.ts/);
  const directory = mkdtempSync(join(tmpdir(), "sunflare-readme-"));
  try {
    const source = join(__dirname, "..", "src", "index.ts");
    const entry = join(require.resolve("@sunflare/jest-config/run-ts"), "..", "tsx-worker.mjs");
    const fromSource = (code: string): string =>
      code.replaceAll('"@sunflare/virtual"', JSON.stringify(source));
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
    const child = spawn(process.execPath, [...tsArgs(), join(directory, "main.ts")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let printed = "";
    child.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    expect(printed).toBe(output);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
