import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

// Test helpers shared by the packages whose tests start threads and processes.

/**
 * Node arguments that run a TypeScript file of this repository from source:
 * the `@sunflare/source` condition and tsx's loader (by absolute URL, so it
 * resolves whatever the working directory).
 */
export function tsArgs(): string[] {
  const require = createRequire(join(__dirname, "package.json"));
  const manifest = require.resolve("tsx/package.json");
  const loader = pathToFileURL(join(dirname(manifest), "dist", "loader.mjs")).href;
  return ["--conditions=@sunflare/source", "--import", loader];
}

/**
 * Starts a worker thread running the TypeScript module `file` from source;
 * `data` becomes its `workerData` (with `entry` added).
 */
export function tsWorker(file: string, data: Record<string, unknown>): Worker {
  return new Worker(join(__dirname, "tsx-worker.mjs"), {
    execArgv: ["--conditions=@sunflare/source"],
    workerData: { ...data, entry: pathToFileURL(file).href },
  });
}
