import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import type { Logger } from "../src/index.js";
import { Forwarder, Publisher, Subscriber } from "../src/index.js";
import { releaseAfterEach } from "./helpers.js";

const { open, closeSockets } = releaseAfterEach();

/**
 * A port nobody listens on now. Node picks it and has released it when the
 * close callback runs (a stopped forwarder's listener closes on zeromq's I/O
 * thread, later).
 */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function roundTrip(forwarder: Forwarder): Promise<unknown> {
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  await publisher.send("t", { via: forwarder.transport });
  return (await subscriber.receive()).value;
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => void warnings.push(message),
    error: () => undefined,
  };
}

test("inproc is the default, with endpoints unique per forwarder", async () => {
  const a = new Forwarder();
  const b = new Forwarder();
  expect(a.transport).toBe("inproc");
  expect(a.publishAddress).toMatch(/^inproc:\/\//);
  expect(a.publishAddress).not.toBe(b.publishAddress);
  expect(a.subscribeAddress).not.toBe(b.subscribeAddress);
  expect(await roundTrip(a)).toEqual({ via: "inproc" });
  await a.stop();
  await b.stop();
});

test("ipc binds socket files in the temp directory and removes them on stop", async () => {
  const forwarder = new Forwarder({ transport: "ipc" });
  await forwarder.start();
  const files = [forwarder.publishAddress, forwarder.subscribeAddress].map((a) =>
    a.replace(/^ipc:\/\//, ""),
  );
  for (const file of files) {
    expect(file.startsWith(tmpdir())).toBe(true);
    expect(existsSync(file)).toBe(true);
  }
  expect(await roundTrip(forwarder)).toEqual({ via: "ipc" });
  closeSockets();
  await forwarder.stop();
  for (const file of files) expect(existsSync(file)).toBe(false);
});

test("tcp binds 127.0.0.1 on free ports, final once started", async () => {
  const logger = recordingLogger();
  const forwarder = new Forwarder({ transport: "tcp", logger });
  expect(() => forwarder.publishAddress).toThrow(/start\(\)/);
  await forwarder.start();
  const pattern = /^tcp:\/\/127\.0\.0\.1:(\d+)$/;
  const publishPort = Number(pattern.exec(forwarder.publishAddress)?.[1]);
  const subscribePort = Number(pattern.exec(forwarder.subscribeAddress)?.[1]);
  expect(publishPort).toBeGreaterThan(0);
  expect(subscribePort).toBeGreaterThan(0);
  expect(publishPort).not.toBe(subscribePort);
  expect(await roundTrip(forwarder)).toEqual({ via: "tcp" });
  expect(logger.warnings).toEqual([]);
  closeSockets();
  await forwarder.stop();
});

test("tcp on explicit ports, reachable by address strings", async () => {
  const ports = [await freePort(), await freePort()];
  const forwarder = new Forwarder({
    transport: "tcp",
    publishPort: ports[0],
    subscribePort: ports[1],
  });
  await forwarder.start();
  expect(forwarder.publishAddress).toBe(`tcp://127.0.0.1:${ports[0]}`);
  const subscriber = open(new Subscriber(forwarder.subscribeAddress, { topics: "t" }));
  const publisher = open(new Publisher(forwarder.publishAddress));
  // A string address of a forwarder of this thread still gets the full ready().
  await subscriber.ready();
  await publisher.send("t", "by address");
  expect((await subscriber.receive()).value).toBe("by address");
  closeSockets();
  await forwarder.stop();
});

test("binding every interface must be explicit and is logged as a warning", async () => {
  const logger = recordingLogger();
  const forwarder = new Forwarder({ transport: "tcp", host: "0.0.0.0", logger });
  await forwarder.start();
  expect(logger.warnings).toHaveLength(1);
  expect(logger.warnings[0]).toMatch(/every network interface/);
  await forwarder.stop();
});

test("a port in use makes start() reject, and the forwarder can be stopped", async () => {
  const first = new Forwarder({ transport: "tcp" });
  await first.start();
  const port = Number(first.publishAddress.split(":").pop());
  const second = new Forwarder({ transport: "tcp", publishPort: port });
  await expect(second.start()).rejects.toThrow();
  // A publisher on it reports the failure on every send instead of hanging.
  const publisher = open(new Publisher(second));
  await expect(publisher.send("t", 1)).rejects.toThrow();
  await expect(publisher.send("t", 2)).rejects.toThrow();
  await second.stop();
  await first.stop();
});

test("invalid options are rejected with clear errors", () => {
  expect(() => new Forwarder({ transport: "tcp", publishPort: 70000 })).toThrow(/Invalid port/);
  expect(() => new Forwarder({ transport: "udp" as never })).toThrow(/Unknown transport/);
  expect(() => new Forwarder({ curve: { publicKey: "x", secretKey: "y" } })).toThrow(/curve/);
});
