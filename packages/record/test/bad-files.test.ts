import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { McapWriter, TempBuffer } from "@mcap/core";
import { encode } from "@sunflare/codec";
import { VirtualBus } from "@sunflare/virtual";
import { isSunflareError } from "@sunflare/wire";
import { play, readInfo, record } from "../src/index.js";
import { scratch, untilWritten } from "./helpers.js";

const files = scratch();
afterAll(() => files.remove());

let bus: VirtualBus;
beforeEach(async () => {
  bus = new VirtualBus();
  await bus.ready();
});
afterEach(() => bus.shutdown());

/** The start of a PNG file: its signature and IHDR chunk. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489",
  "hex",
);

/** A real recording of 50 bodies on `topic`. */
async function recording(name: string): Promise<string> {
  const file = files.path(name);
  const recorder = await record(bus, { file, signals: [] });
  const publisher = bus.connectPublisher();
  for (let index = 0; index < 50; index++)
    await publisher.send("topic", { index, pad: "x".repeat(100) });
  await untilWritten(recorder, 50);
  await recorder.stop();
  return file;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isSunflareError(error)) throw new Error(`expected a SunflareError, got ${String(error)}`);
  return error;
}

test("a PNG gets a clear error naming the file and what it starts with, from readInfo and play", async () => {
  const file = files.path("picture.png");
  await writeFile(file, PNG);
  for (const attempt of [readInfo(file), play(bus, file)]) {
    const error = await failure(attempt);
    expect(error.code).toBe("malformed");
    expect(error.message).toContain(file);
    expect(error.message).toContain("not an MCAP recording");
    expect(error.message).toContain("PNG");
  }
});

test("random bytes, an empty file and a missing file get clear errors", async () => {
  const random = files.path("random.bin");
  await writeFile(random, randomBytes(4096));
  expect(await failure(readInfo(random))).toMatchObject({ code: "malformed" });
  const empty = files.path("empty.mcap");
  await writeFile(empty, "");
  expect((await failure(readInfo(empty))).message).toContain("empty");
  const missing = files.path("missing.mcap");
  const error = await failure(play(bus, missing));
  expect(error.code).toBe("refused");
  expect(error.message).toContain(missing);
});

test("a truncated recording gets a clear error, wherever it was cut", async () => {
  const whole = await readFile(await recording("whole.mcap"));
  for (const keep of [8, 100, Math.floor(whole.length / 2), whole.length - 1]) {
    const file = files.path(`cut-${keep}.mcap`);
    await writeFile(file, whole.subarray(0, keep));
    for (const attempt of [readInfo(file), play(bus, file)]) {
      const error = await failure(attempt);
      expect(error.code).toBe("malformed");
      expect(error.message).toContain(file);
      expect(error.message).toContain("truncated");
    }
  }
  // The bus is fine afterwards: a whole recording still plays.
  const whole2 = files.path("whole2.mcap");
  await writeFile(whole2, whole);
  const player = await play(bus, whole2, { rate: 0 });
  await expect(player.done).resolves.toEqual({ messages: 50, rounds: 1 });
});

test("an MCAP file from elsewhere (no MessagePack channel) is named as not a Sunflare recording", async () => {
  const buffer = new TempBuffer();
  const writer = new McapWriter({ writable: buffer });
  await writer.start({ profile: "ros2", library: "elsewhere" });
  const channelId = await writer.registerChannel({
    topic: "/chatter",
    schemaId: 0,
    messageEncoding: "cdr",
    metadata: new Map(),
  });
  await writer.addMessage({
    channelId,
    sequence: 0,
    logTime: 1n,
    publishTime: 1n,
    data: encode("hi"),
  });
  await writer.end();
  const file = files.path("ros.mcap");
  await writeFile(file, buffer.get());
  const info = await readInfo(file);
  expect(info).toMatchObject({
    messages: 1,
    session: undefined,
    channels: [{ topic: "/chatter", messages: 1 }],
  });
  const error = await failure(play(bus, file));
  expect(error.code).toBe("malformed");
  expect(error.message).toContain("not a Sunflare recording");
});
