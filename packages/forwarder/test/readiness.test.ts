import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { encode } from "@sunflare/codec";
import { tsArgs, tsWorker } from "@sunflare/jest-config/run-ts";
import * as zmq from "zeromq";
import type { Transport } from "../src/index.js";
import { Forwarder, Subscriber } from "../src/index.js";
import { addressesOf, releaseAfterEach } from "./helpers.js";

// ready() is a fact of the forwarder: a publisher anywhere that is already
// streaming delivers everything it sends after ready() resolved, with no
// protocol between the subscriber and that publisher.

const fixture = join(__dirname, "fixtures", "streaming-publisher.ts");
const { open, startedForwarder, stopAfter } = releaseAfterEach();
const after = 500;

/** A streaming publisher elsewhere, told through `tell` and heard through `messages`. */
interface Streamer {
  tell(message: unknown): void;
  next(): Promise<{ streaming?: boolean; marked?: number }>;
  exited: Promise<unknown>;
}

function inWorker(forwarder: Forwarder): Streamer {
  const worker = tsWorker(fixture, { addresses: addressesOf(forwarder), after });
  return streamer(worker, (message) => worker.postMessage(message), once(worker, "exit"));
}

function inChild(forwarder: Forwarder, addresses = addressesOf(forwarder)): Streamer {
  const setup = JSON.stringify({ addresses, after });
  const child = spawn(process.execPath, [...tsArgs(), fixture, setup], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return streamer(child, (message) => child.send(message as string), once(child, "exit"));
}

function streamer(
  source: NodeJS.EventEmitter,
  tell: (message: unknown) => void,
  exited: Promise<unknown>,
): Streamer {
  const queue: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  source.on("message", (message: unknown) => {
    const wake = waiting.shift();
    if (wake) wake(message);
    else queue.push(message);
  });
  return {
    tell,
    exited,
    next: () =>
      queue.length > 0
        ? Promise.resolve(queue.shift() as { marked?: number })
        : new Promise((resolve) => waiting.push(resolve as (message: unknown) => void)),
  };
}

async function inChildThroughBridge(forwarder: Forwarder): Promise<Streamer> {
  return inChild(forwarder, await forwarder.addTransport("ipc"));
}

test.each<[string, Transport, (forwarder: Forwarder) => Streamer | Promise<Streamer>]>([
  ["a worker thread", "inproc", inWorker],
  ["a child process over ipc", "ipc", (forwarder) => inChild(forwarder)],
  ["a child process over tcp", "tcp", (forwarder) => inChild(forwarder)],
  ["a child process through an ipc bridge", "inproc", inChildThroughBridge],
])(
  "after ready(), everything a publisher in %s was already streaming arrives",
  async (_, transport, start) => {
    // Lossless on both sides: a gap can only come from readiness.
    const forwarder = stopAfter(new Forwarder({ transport, noDrop: true }));
    await forwarder.start();
    const streaming = await start(forwarder);
    expect(await streaming.next()).toEqual({ streaming: true });
    const subscriber = open(new Subscriber(forwarder, { topics: "stream", noDrop: true }));
    await subscriber.ready();
    streaming.tell("mark");
    const { marked } = await streaming.next();
    // Everything from `marked` on was sent after ready() resolved.
    const received: number[] = [];
    for await (const message of subscriber) {
      const sequence = message.value as number;
      if (sequence >= marked!) received.push(sequence);
      if (sequence === marked! + after - 1) break;
    }
    expect(received).toEqual(Array.from({ length: after }, (_, i) => marked! + i));
    await streaming.exited;
  },
);

test("a publisher needs no subscription but the forwarder's catch-all: filtering is the forwarder's", async () => {
  const forwarder = await startedForwarder();
  // A raw publisher that applies only the subscriptions it is told to, and
  // is told only the forwarder's catch-all, never a subscriber's topic.
  const raw = open(new zmq.XPublisher({ linger: 0, manual: true }));
  raw.connect(forwarder.publishAddress);
  const [first] = await raw.receive();
  expect([...first!]).toEqual([1]);
  // ZMQ_SUBSCRIBE on a manual XPUB applies the notice just read; zeromq.js
  // has no method for it, only the option setter.
  (raw as unknown as { setStringOption(option: number, value: string): void }).setStringOption(
    6,
    "",
  );
  const subscriber = open(new Subscriber(forwarder, { topics: "t" }));
  await subscriber.ready();
  await raw.send(["other", "dropped at the forwarder"]);
  await raw.send(["t", encode("delivered")]);
  expect((await subscriber.receive()).value).toBe("delivered");
});
