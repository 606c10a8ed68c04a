/**
 * Case: `@sunflare/record` with the demo's frames (512x512 uint16 NDArrays
 * on a data topic), each figure beside its baseline measured in the same run:
 *
 * - recording at 30 fps and at the bus's full rate: frames lost (must be 0);
 * - record throughput (publish -> MCAP file complete) against writing the
 *   same bodies with plain `fs` (one `FileHandle.write` per body);
 * - replay throughput (`play` at `rate: Infinity` -> a subscriber) against
 *   live publishing of the same bodies to a subscriber.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Recorder } from "@sunflare/record";
import type { VirtualBus } from "@sunflare/virtual";

import type { BenchCase, BenchRow } from "../case.js";
import { loadVirtual } from "../bus/load.js";
import { compared } from "../util/compare.js";
import { median } from "../util/stats.js";

const label = "12 record 512x512 uint16";
const topic = "demo/frames";
const side = 512;

interface RecordSettings {
  /** Frames sent at 30 fps. */
  readonly paced: number;
  /** Frames sent at full rate, per round. */
  readonly burst: number;
  readonly rounds: number;
}

const full: RecordSettings = { paced: 90, burst: 400, rounds: 3 };
const quick: RecordSettings = { paced: 10, burst: 200, rounds: 1 };

/** Resolves once `recorder` has written `count` messages. */
async function written(recorder: Recorder, count: number): Promise<void> {
  while (recorder.stats.messages < count) {
    await new Promise<void>((resolve) => recorder.once("message", () => resolve()));
  }
}

/** Records `count` frames sent `intervalMs` apart (0: at once); returns frames/s and frames lost. */
async function recordRun(
  bus: VirtualBus,
  file: string,
  body: Uint8Array,
  count: number,
  intervalMs: number,
): Promise<{ rate: number; lost: number }> {
  const { record, readInfo } = await import("@sunflare/record");
  const recorder = await record(bus, { file, signals: [] });
  const publisher = bus.connectPublisher();
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    if (intervalMs > 0) {
      const wait = started + index * intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    sends.push(publisher.sendEncoded(topic, body));
  }
  await Promise.all(sends);
  // Everything sent must be written; a lost frame would stall here, so a timeout counts it.
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, 30_000).unref());
  await Promise.race([written(recorder, count), deadline]);
  const elapsed = (performance.now() - started) / 1000;
  await recorder.stop();
  publisher.close();
  const info = await readInfo(file);
  return { rate: info.messages / elapsed, lost: count - info.messages };
}

/** Writes `count` bodies with plain `fs`, one write each; returns bodies/s. */
async function fsRun(file: string, body: Uint8Array, count: number): Promise<number> {
  const started = performance.now();
  const handle = await open(file, "w");
  for (let index = 0; index < count; index++) await handle.write(body);
  await handle.close();
  return count / ((performance.now() - started) / 1000);
}

/** Sends `count` bodies to a subscriber (live, or with `play` from `file`); returns bodies/s at the subscriber. */
async function deliverRun(
  bus: VirtualBus,
  body: Uint8Array,
  count: number,
  file?: string,
  verify = true,
): Promise<number> {
  let received = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const subscriber = bus.connectSubscriber(topic, {
    noDrop: true,
    consume: () => {
      if (++received === count) done();
    },
  });
  await subscriber.ready();
  const { play } = await import("@sunflare/record");
  const player =
    file === undefined
      ? undefined
      : await play(bus, file, { rate: Infinity, paused: true, verify });
  const started = performance.now();
  if (player === undefined) {
    const publisher = bus.connectPublisher();
    const sends: Promise<void>[] = [];
    for (let index = 0; index < count; index++) sends.push(publisher.sendEncoded(topic, body));
    await Promise.all(sends);
    publisher.close();
  } else {
    player.start();
    await player.done;
  }
  await all;
  const rate = count / ((performance.now() - started) / 1000);
  subscriber.close();
  return rate;
}

function row(subject: string, value: number, unit: string, detail?: string): BenchRow {
  return { case: label, subject, value, unit, ...(detail === undefined ? {} : { detail }) };
}

export const recordCase: BenchCase = {
  name: "record",
  async run(context) {
    const settings = context.quick ? quick : full;
    const virtual = await loadVirtual();
    if (typeof virtual === "string") {
      context.note(virtual);
      return [];
    }
    const dir = mkdtempSync(join(tmpdir(), "sunflare-bench-record-"));
    const bus = new virtual.VirtualBus();
    try {
      await bus.ready();
      const pixels = new Uint16Array(side * side).map((_, index) => index);
      const body = bus.codec.encode({ frame: virtual.ndarray(pixels, [side, side]) });
      const file = (name: string): string => join(dir, name);

      context.log(`${label}: 30 fps`);
      const paced = await recordRun(bus, file("paced.mcap"), body, settings.paced, 1000 / 30);
      const recorded: number[] = [];
      const plain: number[] = [];
      const replayed: number[] = [];
      const unverified: number[] = [];
      const live: number[] = [];
      let lost = 0;
      for (let round = 0; round < settings.rounds; round++) {
        context.log(`${label}: round ${round + 1}/${settings.rounds}`);
        plain.push(await fsRun(file("plain.bin"), body, settings.burst));
        const burst = await recordRun(bus, file("burst.mcap"), body, settings.burst, 0);
        recorded.push(burst.rate);
        lost += burst.lost;
        live.push(await deliverRun(bus, body, settings.burst));
        replayed.push(await deliverRun(bus, body, settings.burst, file("burst.mcap")));
        unverified.push(await deliverRun(bus, body, settings.burst, file("burst.mcap"), false));
      }
      if (paced.lost > 0 || lost > 0)
        context.note(`${label}: frames lost (30 fps ${paced.lost}, full rate ${lost})`);
      const mb = (rate: number): string => `${((rate * body.byteLength) / 1e6).toFixed(0)} MB/s`;
      const fsRow = row("plain fs write", median(plain), "frames/s", mb(median(plain)));
      const liveRow = row("live publish", median(live), "frames/s", mb(median(live)));
      return [
        row("record at 30 fps", paced.lost, "lost", `${settings.paced} frames`),
        row("record at full rate", lost, "lost", `${settings.burst * settings.rounds} frames`),
        fsRow,
        compared(
          row("record, full rate", median(recorded), "frames/s", mb(median(recorded))),
          fsRow,
          {
            min: 0.8,
          },
        ),
        liveRow,
        compared(
          row("play, rate Infinity", median(replayed), "frames/s", mb(median(replayed))),
          liveRow,
          { min: 0.8 },
        ),
        compared(
          row("play, verify: false", median(unverified), "frames/s", mb(median(unverified))),
          liveRow,
          { min: 0.8 },
        ),
      ];
    } finally {
      await bus.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
