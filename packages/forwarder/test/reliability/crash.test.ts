import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Message } from "../../src/index.js";
import { Forwarder, Publisher, Subscriber } from "../../src/index.js";
import { tsArgs, tsWorker } from "@sunflare/jest-config/run-ts";
import { addressesOf } from "../helpers.js";

const fixture = (...path: string[]): string => join(__dirname, ...path);
const count = 200;
const all = Array.from({ length: count }, (_, i) => i);

/** A main-thread subscriber that sorts what it gets by topic and can wait for counts. */
function collector() {
  const byTopic = new Map<string, unknown[]>();
  const waiters: { topic: string; count: number; resolve: () => void }[] = [];
  const consume = (message: Message): void => {
    const list = byTopic.get(message.topic) ?? [];
    byTopic.set(message.topic, list);
    list.push(message.value);
    for (const waiter of waiters.filter(
      (w) => w.topic === message.topic && list.length >= w.count,
    )) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const got = (topic: string): unknown[] => byTopic.get(topic) ?? [];
  const until = (topic: string, count: number): Promise<void> =>
    got(topic).length >= count
      ? Promise.resolve()
      : new Promise((resolve) => waiters.push({ topic, count, resolve }));
  return { consume, got, until };
}

/** Waits until the publisher reaches exactly `count` subscribers. */
async function audience(publisher: Publisher, count: number): Promise<void> {
  // waitForSubscribers only waits for "at least"; a crashed peer's
  // subscriptions must also go away, which the bus learns by itself.
  // Bounded, so that a failure ends this loop instead of spinning past the test.
  const giveUp = performance.now() + 20_000;
  while (publisher.subscribers !== count) {
    if (performance.now() > giveUp)
      throw new Error(
        `The bus still counts ${publisher.subscribers} subscribers, expected ${count}.`,
      );
    if (publisher.subscribers < count) await publisher.waitForSubscribers(count);
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

test.each([
  ["a worker thread", "exit"],
  ["a worker thread", "throw"],
  ["a child process", "exit"],
  ["a child process", "throw"],
] as const)(
  "a plugin in %s that crashes mid-stream (%s) does not take the bus down",
  async (where, how) => {
    const inWorker = where === "a worker thread";
    const forwarder = new Forwarder({ transport: inWorker ? "inproc" : "ipc" });
    await forwarder.start();
    const addresses = addressesOf(forwarder);
    const main = collector();
    const subscriber = new Subscriber(forwarder, {
      topics: ["crash", "frames", "child"],
      consume: main.consume,
    });
    const errors: unknown[] = [];
    subscriber.on("error", (error) => errors.push(error));
    const publisher = new Publisher(forwarder);
    try {
      await subscriber.ready();
      const settings = { addresses, how, after: 50 };
      if (inWorker) {
        const worker = tsWorker(fixture("fixtures", "crashing-plugin.ts"), settings);
        const failure = new Promise<Error>((resolve) => worker.once("error", resolve));
        expect(await new Promise<number>((resolve) => worker.once("exit", resolve))).toBe(1);
        if (how === "throw") expect((await failure).message).toBe("plugin crashed");
      } else {
        const child = spawn(
          process.execPath,
          [...tsArgs(), fixture("fixtures", "crashing-plugin.ts"), JSON.stringify(settings)],
          { stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        expect(await new Promise((resolve) => child.once("close", resolve))).toBe(1);
        if (how === "throw") expect(stderr).toContain("plugin crashed");
      }
      // What arrived from it before the crash is a clean, ordered prefix.
      const fromCrashed = main.got("crash/seq").map((value) => (value as { seq: number }).seq);
      expect(fromCrashed).toEqual(fromCrashed.map((_, i) => i));

      // The bus forgets the crashed plugin's subscriber, then carries on: a new
      // peer joins and the main thread and that peer exchange a whole sequence.
      await audience(publisher, 1);
      if (inWorker) {
        const healthy = tsWorker(join(__dirname, "..", "fixtures", "worker-subscriber.ts"), {
          addresses,
          count,
        });
        const values = new Promise<unknown[]>((resolve, reject) => {
          healthy.on("message", (message: { values?: unknown[] }) => {
            if (message.values) resolve(message.values);
          });
          healthy.once("error", reject);
        });
        const exited = new Promise<number>((resolve) => healthy.once("exit", resolve));
        await audience(publisher, 2);
        for (const i of all) await publisher.send("frames", i);
        expect(await values).toEqual(all);
        expect(await exited).toBe(0);
      } else {
        const healthy = spawn(
          process.execPath,
          [
            ...tsArgs(),
            join(__dirname, "..", "fixtures", "child-publisher.ts"),
            addresses.publishAddress,
            String(count),
          ],
          { stdio: ["ignore", "inherit", "inherit"] },
        );
        const exited = new Promise<number | null>((resolve) => healthy.once("close", resolve));
        await main.until("child/seq", count);
        expect(main.got("child/seq").map((value) => (value as { i: number }).i)).toEqual(all);
        expect(await exited).toBe(0);
        for (const i of all) await publisher.send("frames", i);
      }
      await main.until("frames", count);
      expect(main.got("frames")).toEqual(all);
      expect(errors).toEqual([]);
    } finally {
      subscriber.close();
      publisher.close();
      await forwarder.stop();
    }
  },
);
