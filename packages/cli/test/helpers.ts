import { fork, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { tsArgs } from "@sunflare/jest-config/run-ts";

// The CLI runs as it will for users: a child process of its own, from source.

const BIN = join(__dirname, "..", "src", "bin.ts");

/** A `sunflare` run under way. */
export interface Running {
  readonly child: ChildProcess;
  /** Everything it wrote so far. */
  readonly out: { stdout: string; stderr: string };
  /** Resolves with the first line of stdout (or `stream`) that `match` accepts. */
  line(match: (line: string) => boolean, stream?: "stdout" | "stderr"): Promise<string>;
  /** Resolves when it exits, with its exit code and output. */
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

interface Waiter {
  match: (line: string) => boolean;
  found: (line: string) => void;
}

/** Starts `sunflare ...args` with `SUNFLARE_RUNTIME_DIR` set to `runtime`. */
export function start(runtime: string, args: readonly string[]): Running {
  const child = spawn(process.execPath, [...tsArgs(), BIN, ...args], {
    env: { ...process.env, SUNFLARE_RUNTIME_DIR: runtime, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };

  const waiting = { stdout: [] as Waiter[], stderr: [] as Waiter[] };
  const partial = { stdout: "", stderr: "" };
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream].setEncoding("utf8").on("data", (chunk: string) => {
      out[stream] += chunk;
      partial[stream] += chunk;
      const lines = partial[stream].split("\n");
      partial[stream] = lines.pop()!;
      for (const line of lines) {
        for (const waiter of waiting[stream].splice(0)) {
          if (waiter.match(line)) waiter.found(line);
          else waiting[stream].push(waiter);
        }
      }
    });
  }
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (code) => resolve({ code, ...out })),
  );
  const line = (
    match: (line: string) => boolean,
    stream: "stdout" | "stderr" = "stdout",
  ): Promise<string> => {
    const found = out[stream].split("\n").find(match);
    if (found !== undefined) return Promise.resolve(found);
    return Promise.race([
      new Promise<string>((resolve) => waiting[stream].push({ match, found: resolve })),
      done.then(({ code, stderr }) => {
        throw new Error(`sunflare exited (${code}) first: ${stderr}`);
      }),
    ]);
  };
  return { child, out, line, done };
}

/** Runs `sunflare ...args` to its end. */
export function sunflare(
  runtime: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return start(runtime, args).done;
}

/** The fixture host: a named bus with a camera-like owner, in another process. */
export interface CameraHost {
  readonly child: ChildProcess;
  readonly ready: Promise<number>;
  /** Resolves with the first report that has `key`. */
  next(key: string): Promise<unknown>;
  /** Shuts it down; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `fixtures/camera-host.ts` naming its bus `name`, emitting at `rate` Hz. */
export function startCameraHost(runtime: string, name: string, rate: number): CameraHost {
  const child = fork(join(__dirname, "fixtures", "camera-host.ts"), [name, String(rate)], {
    execArgv: tsArgs(),
    env: { ...process.env, SUNFLARE_RUNTIME_DIR: runtime },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const reports: Record<string, unknown>[] = [];
  const waiting: { key: string; found: (value: unknown) => void }[] = [];
  child.on("message", (message: Record<string, unknown>) => {
    reports.push(message);
    for (const waiter of waiting.splice(0)) {
      if (waiter.key in message) waiter.found(message[waiter.key]);
      else waiting.push(waiter);
    }
  });
  const next = (key: string): Promise<unknown> => {
    const found = reports.find((report) => key in report);
    if (found !== undefined) return Promise.resolve(found[key]);
    return Promise.race([
      new Promise<unknown>((found) => waiting.push({ key, found })),
      exited.then((code) => {
        throw new Error(`the camera host exited (${code})`);
      }),
    ]);
  };
  return {
    child,
    ready: next("ready") as Promise<number>,
    next,
    stop: () => {
      if (child.connected) child.send("shutdown");
      return exited;
    },
  };
}
