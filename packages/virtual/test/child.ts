import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { tsArgs } from "@sunflare/jest-config/run-ts";
import { fixture } from "./helpers.js";

/** A fixture running in a child process (optionally in a network namespace), and what it reported. */
export interface Child {
  readonly process: ChildProcess;
  /** Every report, in order. */
  readonly reports: Record<string, unknown>[];
  /** Resolves with the first report (past or future) that `match` accepts; rejects if the child exits first. */
  report(match: (report: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (-1: killed by a signal). */
  readonly exited: Promise<number>;
  send(message: unknown): void;
}

/** Starts `fixtures/<file>` with `data` as its argument, in network namespace `netns` if given. */
export function startChild(file: string, data: unknown, netns?: string): Child {
  const node = [...tsArgs(), fixture(file), JSON.stringify(data)];
  const child = netns
    ? spawn("ip", ["netns", "exec", netns, process.execPath, ...node], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      })
    : spawn(process.execPath, node, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const reports: Record<string, unknown>[] = [];
  const matchers = new Set<{
    match: (r: Record<string, unknown>) => boolean;
    found(r: Record<string, unknown>): void;
  }>();
  child.on("message", (message) => {
    const report = message as Record<string, unknown>;
    reports.push(report);
    for (const matcher of [...matchers]) {
      if (!matcher.match(report)) continue;
      matchers.delete(matcher);
      matcher.found(report);
    }
  });
  const exited = new Promise<number>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal === null ? (code ?? 0) : -1)),
  );
  const gone = exited.then((code) => {
    throw new Error(`${file} exited (${code}) early`);
  });
  gone.catch(() => undefined);
  return {
    process: child,
    reports,
    exited,
    report: (match) => {
      const found = reports.find(match);
      if (found) return Promise.resolve(found);
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => matchers.add({ match, found: resolve })),
        gone,
      ]);
    },
    send: (message) => {
      if (child.connected) child.send(message as never);
    },
  };
}

/** The first `event` of `emitter` whose arguments `match` accepts. */
export function once<A extends unknown[]>(
  emitter: {
    on(event: string, fn: (...args: A) => void): unknown;
    off(event: string, fn: (...args: A) => void): unknown;
  },
  event: string,
  match: (...args: A) => boolean = () => true,
): Promise<A> {
  return new Promise((resolve) => {
    const listener = (...args: A): void => {
      if (!match(...args)) return;
      emitter.off(event, listener);
      resolve(args);
    };
    emitter.on(event, listener);
  });
}

/** The port of a tcp address like `tcp://127.0.0.1:5555`. */
export function portOf(address: string): number {
  return Number(/:(\d+)$/.exec(address)![1]);
}
