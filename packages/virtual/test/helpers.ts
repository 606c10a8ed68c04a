import { fork } from "node:child_process";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import type { Worker } from "node:worker_threads";
import type { BusAddress, Logger } from "../src/index.js";
import type { VirtualBus } from "../src/index.js";
import { CallError, Signal } from "../src/index.js";
import { tsArgs, tsWorker } from "@sunflare/jest-config/run-ts";

/** A member started in a worker thread or a child process, and what it reported. */
export interface StartedMember {
  readonly kind: "worker" | "process";
  /** Resolves with the member id once its connections to "Host" receive. */
  readonly live: Promise<string>;
  /** Every report, in order. */
  readonly reports: Record<string, unknown>[];
  /** Resolves with the first report that has `key`. */
  next(key: string): Promise<unknown>;
  /** Resolves with the first report that `match` accepts. */
  report(match: (report: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Asks it to shut its bus down. */
  shutdown(): void;
  readonly child: ChildProcess | undefined;
  readonly worker: Worker | undefined;
}

/** The host's plugin that fixtures/member.ts connects to. */
export class Host {
  readonly sigPing = new Signal<[number]>();
  readonly sigArray = new Signal<[unknown]>();
  readonly sigThrow = new Signal<[number]>();
}

export const fixture = (name: string, dir = join(__dirname, "fixtures")): string => join(dir, name);

/** Starts `fixtures/member.ts` (or `file`) as a worker thread or a forked child process. */
export function startMember(
  kind: "worker" | "process",
  data: { address: BusAddress; name?: string; heartbeatMs?: number },
  directory?: string,
  file = "member.ts",
): StartedMember {
  const reports: Record<string, unknown>[] = [];
  const waiting = new Map<string, ((value: unknown) => void)[]>();
  let failed: (error: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);
  const matchers: {
    match: (report: Record<string, unknown>) => boolean;
    found(r: Record<string, unknown>): void;
  }[] = [];
  const onReport = (report: Record<string, unknown>): void => {
    reports.push(report);
    for (const matcher of matchers.splice(0)) {
      if (matcher.match(report)) matcher.found(report);
      else matchers.push(matcher);
    }
    for (const [key, resolvers] of waiting) {
      if (key in report) {
        waiting.delete(key);
        for (const resolve of resolvers) resolve(report[key]);
      }
    }
  };
  const next = (key: string): Promise<unknown> => {
    const found = reports.find((report) => key in report);
    if (found) return Promise.resolve(found[key]);
    const wait = new Promise<unknown>((resolve) => {
      const list = waiting.get(key) ?? [];
      list.push(resolve);
      waiting.set(key, list);
    });
    return Promise.race([wait, failure]);
  };
  let child: ChildProcess | undefined;
  let worker: Worker | undefined;
  let exited: Promise<number | null>;
  if (kind === "worker") {
    worker = tsWorker(fixture(file, directory), data);
    worker.on("message", onReport);
    worker.on("error", failed);
    exited = new Promise((resolve) => worker!.once("exit", resolve));
  } else {
    child = fork(fixture(file, directory), [JSON.stringify(data)], {
      execArgv: tsArgs(),
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.on("message", (message) => onReport(message as Record<string, unknown>));
    exited = new Promise((resolve) =>
      child!.once("exit", (code, signal) => resolve(signal === null ? code : -1)),
    );
  }
  void exited.then((code) => failed(new Error(`the ${kind} member exited (${code}) early`)));
  const report = (
    match: (report: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown>> => {
    const found = reports.find(match);
    if (found) return Promise.resolve(found);
    return Promise.race([
      new Promise<Record<string, unknown>>((resolve) => matchers.push({ match, found: resolve })),
      failure,
    ]);
  };
  return {
    kind,
    live: next("live") as Promise<string>,
    reports,
    next,
    report,
    exited,
    shutdown: () => {
      if (worker) worker.postMessage("shutdown");
      else if (child?.connected === true) child.send("shutdown");
    },
    child,
    worker,
  };
}

/** Resolves once `predicate()` holds, checked after each call of the returned `check`. */
export function until(predicate: () => boolean): { done: Promise<void>; check: () => void } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const check = (): void => {
    if (predicate()) resolve();
  };
  return { done, check };
}

/** A logger that keeps the warnings and errors it gets. */
export function recordingLogger(): Logger & { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => void warnings.push(message),
    error: (message) => void errors.push(message),
  };
}

/** The `CallError` `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<CallError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CallError);
    return error as CallError;
  }
  throw new Error("the call resolved");
}

/** Resolves once `bus` knows `owner`. */
export function known(bus: VirtualBus, owner: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!bus.has(owner)) return;
      bus.registry.off("registered", check);
      resolve();
    };
    bus.registry.on("registered", check);
    check();
  });
}
