import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import type { McapIndexedReader } from "@mcap/core";
import { tsWorker } from "@sunflare/jest-config/run-ts";
import type { BusAddress, VirtualBus } from "@sunflare/virtual";
import type { Recorder } from "../src/index.js";

/** A temporary folder for recordings, removed by `remove()`. */
export function scratch(): { path(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "sunflare-record-"));
  return {
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The camera fixture in a worker thread, once it registered "Camera". */
export async function startCamera(address: BusAddress): Promise<{
  worker: Worker;
  member: string;
  emit(count: number): Promise<void>;
  stop(): Promise<void>;
}> {
  const worker = tsWorker(join(__dirname, "fixtures", "camera.ts"), { address });
  const [first] = (await once(worker, "message")) as [{ live: string }];
  return {
    worker,
    member: first.live,
    async emit(count) {
      worker.postMessage({ emit: count });
      const [reply] = (await once(worker, "message")) as [{ emitted: number }];
      if (reply.emitted !== count) throw new Error(`camera emitted ${reply.emitted}`);
    },
    async stop() {
      const exited = once(worker, "exit");
      worker.postMessage("shutdown");
      await exited;
    },
  };
}

/** Resolves once `bus` has `name` registered (by any member). */
export async function untilOwner(bus: VirtualBus, name: string): Promise<void> {
  while (!bus.has(name))
    await new Promise<void>((resolve) => bus.registry.once("registered", () => resolve()));
}

/** Resolves once the recorder has written `count` messages. */
export async function untilWritten(recorder: Recorder, count: number): Promise<void> {
  while (recorder.stats.messages < count) await once(recorder, "message");
}

/** Every message of a recording, by channel topic, in log-time order. */
export async function messagesByTopic(
  reader: McapIndexedReader,
): Promise<Map<string, { data: Uint8Array; logTime: bigint }[]>> {
  const byTopic = new Map<string, { data: Uint8Array; logTime: bigint }[]>();
  for await (const message of reader.readMessages()) {
    const topic = reader.channelsById.get(message.channelId)!.topic;
    const list = byTopic.get(topic) ?? [];
    list.push({ data: message.data, logTime: message.logTime });
    byTopic.set(topic, list);
  }
  return byTopic;
}
