import { open } from "node:fs/promises";
import { McapIndexedReader } from "@mcap/core";
import type { IReadable } from "@mcap/core";
import { decode, encode, ndarray } from "@sunflare/codec";
import type { Message } from "@sunflare/virtual";
import { VirtualBus } from "@sunflare/virtual";
import { MESSAGE_ENCODING, readInfo, record, SESSION_METADATA } from "../src/index.js";
import { messagesByTopic, scratch, startCamera, untilOwner, untilWritten } from "./helpers.js";

const files = scratch();
afterAll(() => files.remove());

let bus: VirtualBus;
beforeEach(async () => {
  bus = new VirtualBus();
  await bus.ready();
});
afterEach(() => bus.shutdown());

async function indexedReader(
  path: string,
): Promise<{ reader: McapIndexedReader; close(): Promise<void> }> {
  const handle = await open(path, "r");
  const readable: IReadable = {
    size: async () => BigInt((await handle.stat()).size),
    read: async (offset, size) => {
      const buffer = new Uint8Array(Number(size));
      await handle.read(buffer, 0, buffer.length, Number(offset));
      return buffer;
    },
  };
  return { reader: await McapIndexedReader.Initialize({ readable }), close: () => handle.close() };
}

/** Every data body that travelled, by topic: the witness of what a recording must hold. */
function witness(into: Map<string, Uint8Array[]>): (message: Message) => void {
  return (message) => {
    const list = into.get(message.topic) ?? [];
    list.push(Uint8Array.from(message.frames[1]!));
    into.set(message.topic, list);
  };
}

/** The bodies of the camera fixture's emissions for `emit(count)`, encoded here as its member encodes them. */
function cameraBodies(count: number): Map<string, Uint8Array[]> {
  const frames = Array.from({ length: count }, (_, index) => {
    const pixels = new Uint16Array(16 * 16).map((_, at) => (at * 7 + index) & 0xffff);
    return encode([ndarray(pixels, [16, 16]), index]);
  });
  return new Map([
    ["Camera.sigFrame", frames],
    ["Camera.sigStatus", [encode([`sent ${count}`])]],
  ]);
}

test("a recording read back with McapIndexedReader holds every body byte for byte, with the session metadata", async () => {
  const camera = await startCamera(bus.address);
  try {
    await untilOwner(bus, "Camera");
    const file = files.path("session.mcap");
    const recorder = await record(bus, { file });
    const travelled = new Map<string, Uint8Array[]>();
    const seen = bus.connectSubscriber("", { noDrop: true, consume: witness(travelled) });
    await seen.ready();

    const publisher = bus.connectPublisher();
    const frame = ndarray(
      new Uint16Array(512 * 512).map((_, at) => at & 0xffff),
      [512, 512],
    );
    await publisher.send("camera/frames", { index: 0, image: frame });
    await publisher.send("camera/frames", { index: 1, image: frame });
    await publisher.send("settings", { exposure: 10 });
    await publisher.sendEncoded("settings", encode({ exposure: 11 }));
    await camera.emit(3);
    // 4 data bodies, 3 frames and 1 status from the camera.
    await untilWritten(recorder, 8);
    const stats = await recorder.stop();
    expect(recorder.state).toBe("stopped");
    expect(stats).toMatchObject({ messages: 8, channels: 4, skipped: 0 });

    const { reader, close } = await indexedReader(file);
    try {
      expect(reader.chunkIndexes.length).toBeGreaterThan(0);
      const channels = [...reader.channelsById.values()];
      expect(channels.map((channel) => channel.topic).sort()).toEqual(
        ["Camera.sigFrame", "Camera.sigStatus", "camera/frames", "settings"].sort(),
      );
      expect(channels.every((channel) => channel.messageEncoding === MESSAGE_ENCODING)).toBe(true);
      const recorded = await messagesByTopic(reader);
      for (const [topic, bodies] of cameraBodies(3)) travelled.set(topic, bodies);
      expect(recorded.size).toBe(travelled.size);
      for (const [topic, bodies] of travelled) {
        const got = recorded.get(topic)!.map((message) => Buffer.from(message.data));
        expect(got).toEqual(bodies.map((body) => Buffer.from(body)));
      }
      expect(stats.bytes).toBe(
        [...travelled.values()].flat().reduce((sum, body) => sum + body.byteLength, 0),
      );
      const times = [...recorded.values()].flat().map((message) => message.logTime);
      expect(times.every((time) => time > 0n)).toBe(true);

      const metadata = [];
      for await (const entry of reader.readMetadata({ name: SESSION_METADATA }))
        metadata.push(entry);
      expect(metadata).toHaveLength(1);
      const owners = JSON.parse(metadata[0]!.metadata.get("owners")!) as {
        owner: string;
        signals: string[];
      }[];
      expect(owners.find((owner) => owner.owner === "Camera")?.signals.sort()).toEqual([
        "sigFrame",
        "sigStatus",
      ]);
      const members = JSON.parse(metadata[0]!.metadata.get("members")!) as { member: string }[];
      expect(members.map((member) => member.member)).toContain(camera.member);
      expect(metadata[0]!.metadata.has("wiring")).toBe(true);
    } finally {
      await close();
    }

    const info = await readInfo(file);
    expect(info.messages).toBe(8);
    expect(info.start).toBeGreaterThan(0);
    expect(info.end).toBeGreaterThanOrEqual(info.start);
    expect(
      Object.fromEntries(info.channels.map((channel) => [channel.topic, channel.messages])),
    ).toEqual({
      "camera/frames": 2,
      settings: 2,
      "Camera.sigFrame": 3,
      "Camera.sigStatus": 1,
    });
    expect(info.session?.owners.map((owner) => owner.owner)).toContain("Camera");
  } finally {
    await camera.stop();
  }
});

test("topics and signals select what is recorded", async () => {
  const camera = await startCamera(bus.address);
  try {
    await untilOwner(bus, "Camera");
    const file = files.path("selected.mcap");
    const recorder = await record(bus, { file, topics: ["camera"], signals: ["Camera.sigStatus"] });
    const publisher = bus.connectPublisher();
    await publisher.send("settings", { exposure: 10 });
    await publisher.send("camera/frames", { index: 0 });
    await camera.emit(2);
    await untilWritten(recorder, 2);
    await recorder.stop();
    const info = await readInfo(file);
    expect(info.channels.map((channel) => [channel.topic, channel.messages])).toEqual(
      expect.arrayContaining([
        ["camera/frames", 1],
        ["Camera.sigStatus", 1],
      ]),
    );
    expect(info.channels).toHaveLength(2);
    expect(info.messages).toBe(2);
  } finally {
    await camera.stop();
  }
});

test("a recorder keeps up with a publisher at full rate: nothing lost", async () => {
  const file = files.path("burst.mcap");
  const recorder = await record(bus, { file, signals: [] });
  const publisher = bus.connectPublisher();
  const count = 20_000;
  const sends: Promise<void>[] = [];
  for (let index = 0; index < count; index++)
    sends.push(publisher.send("burst", { index, pad: "x".repeat(64) }));
  await Promise.all(sends);
  await untilWritten(recorder, count);
  await recorder.stop();
  const { reader, close } = await indexedReader(file);
  try {
    const indices: number[] = [];
    for await (const message of reader.readMessages())
      indices.push(decode<{ index: number }>(message.data).index);
    expect(indices).toEqual([...Array(count).keys()]);
  } finally {
    await close();
  }
  expect((await readInfo(file)).messages).toBe(count);
});

test("record() refuses a signal that is not Owner.signal", async () => {
  await expect(
    record(bus, { file: files.path("bad.mcap"), signals: ["nodot"] }),
  ).rejects.toMatchObject({
    code: "malformed",
  });
});
