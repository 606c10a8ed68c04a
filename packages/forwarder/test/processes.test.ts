import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Transport } from "../src/index.js";
import { Forwarder, Publisher, Subscriber } from "../src/index.js";
import { tsArgs, tsWorker } from "@sunflare/jest-config/run-ts";
import { addressesOf } from "./helpers.js";

const fixture = (name: string): string => join(__dirname, "fixtures", name);

test("a subscriber in a worker thread receives from a publisher on the main thread over inproc", async () => {
  const forwarder = new Forwarder();
  await forwarder.start();
  const publisher = new Publisher(forwarder);
  const count = 100;
  const worker = tsWorker(fixture("worker-subscriber.ts"), {
    addresses: addressesOf(forwarder),
    count,
  });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  let subscribed!: () => void;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  const results = new Promise<unknown[]>((resolve, reject) => {
    worker.on("message", (message: { ready?: boolean; values?: unknown[] }) => {
      if (message.ready) subscribed();
      if (message.values) resolve(message.values);
    });
    worker.once("error", reject);
  });
  try {
    // The worker's ready() covers this thread's publisher: no waitForSubscribers.
    await Promise.race([ready, results]);
    for (let i = 0; i < count; i++) await publisher.send("frames", i);
    expect(await results).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(await exited).toBe(0);
  } finally {
    publisher.close();
    await forwarder.stop();
  }
});

test.each<Transport>(["ipc", "tcp"])(
  "a publisher in a child process reaches a subscriber over %s",
  async (transport) => {
    const forwarder = new Forwarder({ transport });
    await forwarder.start();
    const subscriber = new Subscriber(forwarder, { topics: "child" });
    const count = 200;
    try {
      await subscriber.ready();
      const child = spawn(
        process.execPath,
        [...tsArgs(), fixture("child-publisher.ts"), forwarder.publishAddress, String(count)],
        {
          stdio: ["ignore", "inherit", "inherit"],
        },
      );
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const received: number[] = [];
      let pid: number | undefined;
      for await (const message of subscriber) {
        const value = message.value as { i: number; pid: number };
        received.push(value.i);
        pid = value.pid;
        if (received.length === count) break;
      }
      expect(received).toEqual(Array.from({ length: count }, (_, i) => i));
      expect(pid).toBe(child.pid);
      // It exits by itself once its publisher is closed: nothing left open.
      expect(await exited).toBe(0);
    } finally {
      subscriber.close();
      await forwarder.stop();
    }
  },
);
