import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { settingsOf } from "./cases/settings.js";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../python/forwarder_bench.py", import.meta.url));

/** One stream measured by `python/forwarder_bench.py`. */
export interface PythonStream {
  readonly count: number;
  readonly delivered: number;
  readonly seconds: number;
  readonly rate: number;
  /** Process CPU time per message sent, µs. */
  readonly cpuPerMessage: number;
}

/** What the Python original's data path did in this run. */
export interface PythonResults {
  readonly interpreter: string;
  readonly python: string;
  readonly pyzmq: string;
  readonly libzmq: string;
  readonly msgpack: string;
  readonly numpy: string;
  readonly small: PythonStream;
  readonly frames: PythonStream & { readonly bytes: number };
}

/**
 * The first of `$SUNFLARE_PYTHON`, `/usr/bin/python3`, `python3` that imports
 * zmq, msgpack and numpy, or `undefined`.
 */
export async function findPython(): Promise<string | undefined> {
  const candidates = [process.env.SUNFLARE_PYTHON, "/usr/bin/python3", "python3"];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === "") continue;
    try {
      await run(candidate, ["-c", "import zmq, msgpack, numpy"]);
      return candidate;
    } catch {
      // Not there, or missing a module: try the next one.
    }
  }
  return undefined;
}

let pending: Promise<PythonResults | string> | undefined;

/**
 * Runs the Python original's data path once per process (cases 1 and 2 share
 * it) with the same counts and rounds as the TypeScript cases; resolves with
 * its figures, or with why it could not run.
 */
export function pythonBaseline(quick: boolean): Promise<PythonResults | string> {
  pending ??= (async () => {
    const interpreter = await findPython();
    if (interpreter === undefined) {
      return "Python original skipped: no python with zmq, msgpack and numpy (tried $SUNFLARE_PYTHON, /usr/bin/python3, python3)";
    }
    const small = settingsOf("small", quick);
    const frames = settingsOf("frames", quick);
    const args = [
      script,
      `--small=${small.count}`,
      `--small-warmup=${small.warmup}`,
      `--frames=${frames.count}`,
      `--frames-warmup=${frames.warmup}`,
      `--rounds=${Math.max(small.rounds, frames.rounds)}`,
    ];
    const { stdout } = await run(interpreter, args, { maxBuffer: 1 << 20 });
    return { interpreter, ...(JSON.parse(stdout) as Omit<PythonResults, "interpreter">) };
  })();
  return pending;
}
