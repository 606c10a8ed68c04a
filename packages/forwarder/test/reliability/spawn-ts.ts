import { spawn } from "node:child_process";
import { tsArgs } from "@sunflare/jest-config/run-ts";

/** How a TypeScript script run in a child process ended. */
export interface ScriptResult {
  /** Exit code; `null` if it had to be killed at the time limit. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time until exit, in milliseconds. */
  ms: number;
  /** `Date.now()` when it exited. */
  exitedAt: number;
}

/**
 * Runs a TypeScript file of this package from source in a child process and
 * resolves once it exits by itself. If it is still running after `limitMs`
 * it is killed and `code` is `null`: a script that does not exit on its own
 * has left something open.
 */
export function runScript(
  file: string,
  args: readonly string[],
  limitMs: number,
): Promise<ScriptResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [...tsArgs(), file, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const limit = setTimeout(() => child.kill("SIGKILL"), limitMs);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr, ms: performance.now() - started, exitedAt: Date.now() });
    });
  });
}

/** The last line of `stdout` that parses as JSON (scripts print their results last). */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    return JSON.parse(line) as T;
  }
  throw new Error(`No JSON result in output:\n${stdout}`);
}
