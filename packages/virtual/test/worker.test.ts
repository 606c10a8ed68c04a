import { join } from "node:path";
import { ndarray, VirtualBus } from "../src/index.js";
import { tsWorker } from "@sunflare/jest-config/run-ts";

test("a plugin in a worker thread receives the bus's data stream over inproc", async () => {
  const bus = new VirtualBus();
  await bus.ready();
  const publisher = bus.connectPublisher();
  const frames = 20;
  const worker = tsWorker(join(__dirname, "fixtures", "worker-plugin.ts"), {
    addresses: {
      publishAddress: bus.forwarder.publishAddress,
      subscribeAddress: bus.forwarder.subscribeAddress,
    },
    frames,
  });
  const failed = new AbortController();
  worker.once("error", (error) => failed.abort(error));
  const sums = new Promise<number[]>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  try {
    await publisher.waitForSubscribers(1, { signal: failed.signal });
    for (let i = 0; i < frames; i++)
      await publisher.send("camera/frames", ndarray(new Uint16Array(16).fill(i), [4, 4]));
    expect(await sums).toEqual(Array.from({ length: frames }, (_, i) => 16 * i));
    expect(await exited).toBe(0);
  } finally {
    await bus.shutdown();
  }
});
