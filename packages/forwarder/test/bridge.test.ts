import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { tsArgs } from "@sunflare/jest-config/run-ts";
import type { ForwarderAddresses } from "../src/index.js";
import { curveKeyPair, Forwarder, Publisher, Subscriber } from "../src/index.js";
import { releaseAfterEach } from "./helpers.js";

// An inproc forwarder reached from other processes through addTransport().

const { open, startedForwarder, stopAfter } = releaseAfterEach();

test("a subscriber in a child process, through an ipc bridge, gets what the main thread publishes after its ready()", async () => {
  const forwarder = await startedForwarder();
  const addresses = await forwarder.addTransport("ipc");
  expect(addresses.publishAddress).toMatch(/^ipc:\/\//);
  const publisher = open(new Publisher(forwarder));
  const count = 100;
  const child = spawn(
    process.execPath,
    [
      ...tsArgs(),
      join(__dirname, "fixtures", "child-subscriber.ts"),
      JSON.stringify({ addresses, count }),
    ],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const reports: { ready?: boolean; values?: unknown[] }[] = [];
  let wake: (() => void) | undefined;
  child.on("message", (report: { ready?: boolean; values?: unknown[] }) => {
    reports.push(report);
    wake?.();
  });
  const next = async (): Promise<{ ready?: boolean; values?: unknown[] }> => {
    while (reports.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return reports.shift()!;
  };
  expect(await next()).toEqual({ ready: true });
  for (let i = 0; i < count; i++) await publisher.send("frames", i);
  expect(await next()).toEqual({ values: Array.from({ length: count }, (_, i) => i) });
  expect(await exited).toBe(0);
});

test("a publisher and a subscriber both on a tcp bridge with CURVE meet through the forwarder", async () => {
  const forwarder = await startedForwarder();
  const keys = curveKeyPair();
  const addresses = await forwarder.addTransport("tcp", { curve: keys });
  const curve = { serverKey: keys.publicKey };
  const subscriber = open(new Subscriber(addresses, { topics: "t", curve }));
  const local = open(new Subscriber(forwarder, { topics: "t" }));
  await Promise.all([subscriber.ready(), local.ready()]);
  const publisher = open(new Publisher(addresses, { curve }));
  await publisher.send("t", "over tcp");
  expect((await subscriber.receive()).value).toBe("over tcp");
  expect((await local.receive()).value).toBe("over tcp");
});

test("addTransport gives the same addresses again; stop() closes the bridge and removes its files", async () => {
  const forwarder = new Forwarder();
  const first = await forwarder.addTransport("ipc");
  const second = await forwarder.addTransport("ipc");
  expect(second).toEqual(first);
  const files = [first.publishAddress, first.subscribeAddress].map((address: string) =>
    address.slice("ipc://".length),
  );
  expect(files.every((file) => existsSync(file))).toBe(true);
  await forwarder.stop();
  expect(files.some((file) => existsSync(file))).toBe(false);
  await expect(forwarder.addTransport("tcp")).rejects.toThrow(/stopped/);
});

test("the forwarder's own transport is its own addresses", async () => {
  const forwarder = stopAfter(new Forwarder({ transport: "ipc" }));
  const addresses: ForwarderAddresses = await forwarder.addTransport("ipc");
  expect(addresses).toEqual({
    publishAddress: forwarder.publishAddress,
    subscribeAddress: forwarder.subscribeAddress,
  });
});
