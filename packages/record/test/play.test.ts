import { EventEmitter, once } from "node:events";
import { open, writeFile } from "node:fs/promises";
import type { IReadable } from "@mcap/core";
import { McapIndexedReader, McapWriter, TempBuffer } from "@mcap/core";
import { asNDArray, encode } from "@sunflare/codec";
import { VirtualBus } from "@sunflare/virtual";
import { play, record } from "../src/index.js";
import { messagesByTopic, scratch, startCamera, untilOwner, untilWritten } from "./helpers.js";

const files = scratch();
afterAll(() => files.remove());

const buses: VirtualBus[] = [];
async function newBus(): Promise<VirtualBus> {
  const bus = new VirtualBus();
  buses.push(bus);
  await bus.ready();
  return bus;
}
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.shutdown()));
});

/** A recording written here: one `tick` body `{ index }` every `stepMs`, and as many `Clock.sigTick(index)` emissions beside them. */
async function ticks(name: string, count: number, stepMs: number): Promise<string> {
  const buffer = new TempBuffer();
  const writer = new McapWriter({ writable: buffer });
  await writer.start({ profile: "sunflare", library: "test" });
  const tick = await writer.registerChannel({
    topic: "tick",
    schemaId: 0,
    messageEncoding: "msgpack",
    metadata: new Map([["sunflare.kind", "topic"]]),
  });
  const signal = await writer.registerChannel({
    topic: "Clock.sigTick",
    schemaId: 0,
    messageEncoding: "msgpack",
    metadata: new Map([["sunflare.kind", "signal"]]),
  });
  const base = 1_700_000_000_000_000_000n;
  for (let index = 0; index < count; index++) {
    const logTime = base + BigInt(index * stepMs) * 1_000_000n;
    const common = { sequence: index, logTime, publishTime: logTime };
    await writer.addMessage({ ...common, channelId: tick, data: encode({ index }) });
    await writer.addMessage({ ...common, channelId: signal, data: encode([index]) });
  }
  await writer.end();
  const file = files.path(name);
  await writeFile(file, buffer.get());
  return file;
}

/** Collects the `tick` bodies and `Clock.sigTick` emissions a player sends onto `bus`, seen from another member. */
async function audience(
  bus: VirtualBus,
): Promise<{ bodies: number[]; emissions: number[]; ready: Promise<void> }> {
  const viewer = await VirtualBus.join(bus.address);
  buses.push(viewer);
  const bodies: number[] = [];
  const emissions: number[] = [];
  const subscriber = viewer.connectSubscriber("tick", {
    noDrop: true,
    consume: (message) => collect(bodies, (message.value as { index: number }).index),
  });
  const connection = viewer.connect(
    "Clock",
    "sigTick",
    (index: unknown) => collect(emissions, index as number),
    {
      deferred: true,
    },
  );
  return {
    bodies,
    emissions,
    ready: Promise.all([subscriber.ready(), connection.ready]).then(() => undefined),
  };
}

/** Every body of a recording, by channel topic, as Buffers. */
async function readAll(path: string): Promise<Map<string, Buffer[]>> {
  const handle = await open(path, "r");
  try {
    const readable: IReadable = {
      size: async () => BigInt((await handle.stat()).size),
      read: async (offset, size) => {
        const buffer = new Uint8Array(Number(size));
        await handle.read(buffer, 0, buffer.length, Number(offset));
        return buffer;
      },
    };
    const reader = await McapIndexedReader.Initialize({ readable });
    const byTopic = await messagesByTopic(reader);
    return new Map(
      [...byTopic].map(([topic, list]) => [
        topic,
        list.map((message) => Buffer.from(message.data)),
      ]),
    );
  } finally {
    await handle.close();
  }
}

/** Fires on every arrival the tests collect, so that waits follow the arrivals, not a clock. */
const arrivals = new EventEmitter();

/** Keeps `item` and announces it. */
function collect<T>(list: T[], item: T): void {
  list.push(item);
  arrivals.emit("arrival");
}

/** Resolves once `check()` holds, checking at each arrival. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await once(arrivals, "arrival");
}

test("a camera session replayed into a fresh bus reaches a subscriber and a slot connected by name, in order, with the bytes recorded", async () => {
  const live = await newBus();
  const camera = await startCamera(live.address);
  const file = files.path("camera.mcap");
  try {
    await untilOwner(live, "Camera");
    const recorder = await record(live, { file });
    const publisher = live.connectPublisher();
    for (let index = 0; index < 5; index++) await publisher.send("camera/meta", { index });
    await camera.emit(4);
    await untilWritten(recorder, 5 + 4 + 1);
    await recorder.stop();
  } finally {
    await camera.stop();
  }

  const fresh = await newBus();
  const viewer = await VirtualBus.join(fresh.address);
  buses.push(viewer);
  const meta: number[] = [];
  const frames: { index: number; pixels: number[]; shape: readonly number[] }[] = [];
  const statuses: string[] = [];
  const subscriber = viewer.connectSubscriber("camera", {
    noDrop: true,
    consume: (message) => collect(meta, (message.value as { index: number }).index),
  });
  const player = await play(fresh, file, { paused: true, rate: Infinity });
  expect(player.owners).toEqual(["Camera"]);
  expect(fresh.has("Camera")).toBe(true);
  const onFrame = viewer.connect(
    "Camera",
    "sigFrame",
    (image: unknown, index: unknown) => {
      const array = asNDArray(image);
      collect(frames, {
        index: index as number,
        pixels: Array.from(array.data, Number),
        shape: array.shape,
      });
    },
    { deferred: true },
  );
  const onStatus = viewer.connect(
    "Camera",
    "sigStatus",
    (text: unknown) => collect(statuses, text as string),
    {
      deferred: true,
    },
  );
  await Promise.all([subscriber.ready(), onFrame.ready, onStatus.ready]);
  // The replay recorded again holds the same bytes: the stand-ins' emissions come out as recorded.
  const again = files.path("again.mcap");
  const rerecorder = await record(fresh, { file: again });
  player.start();
  await expect(player.done).resolves.toEqual({ messages: 10, rounds: 1 });
  await until(() => meta.length === 5 && frames.length === 4 && statuses.length === 1);
  await untilWritten(rerecorder, 10);
  await rerecorder.stop();
  const [first, second] = await Promise.all([file, again].map(readAll));
  expect(second).toEqual(first);

  expect(meta).toEqual([0, 1, 2, 3, 4]);
  expect(frames.map((frame) => frame.index)).toEqual([0, 1, 2, 3]);
  expect(frames[2]!.shape).toEqual([16, 16]);
  expect(frames[2]!.pixels).toEqual([
    ...new Uint16Array(256).map((_, at) => (at * 7 + 2) & 0xffff),
  ]);
  expect(statuses).toEqual(["sent 4"]);
  // The stand-ins leave with the player.
  expect(player.state).toBe("done");
  expect(fresh.has("Camera")).toBe(false);
});

test("rate 2 plays a 1.6 s recording in order, no faster than half its span and well within the span", async () => {
  const file = await ticks("ticks.mcap", 9, 200);
  const bus = await newBus();
  const player = await play(bus, file, { rate: 2, paused: true });
  const seen = await audience(bus);
  await seen.ready;
  const started = performance.now();
  player.start();
  await player.done;
  const elapsed = performance.now() - started;
  await until(() => seen.bodies.length === 9 && seen.emissions.length === 9);
  expect(seen.bodies).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  expect(seen.emissions).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  // The pace is kept (800 ms at rate 2; a timer is never early) and a loaded machine has room.
  expect(elapsed).toBeGreaterThanOrEqual(790);
  expect(elapsed).toBeLessThan(1600);
});

test("rate Infinity plays as fast as possible, in order", async () => {
  const file = await ticks("slow.mcap", 5, 2_000);
  const bus = await newBus();
  const player = await play(bus, file, { rate: Infinity, paused: true });
  const seen = await audience(bus);
  await seen.ready;
  const started = performance.now();
  player.start();
  await player.done;
  expect(performance.now() - started).toBeLessThan(8_000);
  await until(() => seen.bodies.length === 5);
  expect(seen.bodies).toEqual([0, 1, 2, 3, 4]);
});

test("stop() mid-play ends at once: done resolves, nothing more is sent, the stand-ins leave", async () => {
  const file = await ticks("loop.mcap", 4, 50);
  const bus = await newBus();
  const player = await play(bus, file, { loop: true, paused: true });
  const seen = await audience(bus);
  await seen.ready;
  player.start();
  await until(() => seen.bodies.length >= 6);
  const stats = await player.stop();
  expect(player.state).toBe("stopped");
  expect(stats.rounds).toBeGreaterThanOrEqual(2);
  await expect(player.done).resolves.toEqual(stats);
  expect(player.stats).toEqual(stats);
  expect(bus.has("Clock")).toBe(false);
  expect(seen.bodies.length).toBeLessThanOrEqual(Math.ceil(stats.messages / 2));
  // Bodies arrive in order, round after round.
  expect(seen.bodies).toEqual(seen.bodies.map((_, at) => at % 4));
  await expect(player.stop()).resolves.toEqual(stats);
});

test("play() refuses a recorded owner that is registered already, and a bad rate", async () => {
  const file = await ticks("taken.mcap", 2, 10);
  const bus = await newBus();
  bus.registerSignals({}, { name: "Clock" });
  await expect(play(bus, file)).rejects.toMatchObject({ code: "refused" });
  await expect(play(bus, file, { rate: -1 })).rejects.toMatchObject({ code: "malformed" });
});
