import type { Logger, Publisher, Subscriber, Transport } from "../src/index.js";
import { ClosedError, Forwarder, Publisher as P, Subscriber as S } from "../src/index.js";
// The bus that composes this package; imported by path, as this package does
// not depend on it.
import { VirtualBus } from "../../virtual/src/index.js";
import { numberArg } from "./args.js";

// Shutdown under load: rounds of start, publish flat out from several
// publishers, shut down mid-stream. Every round must end within `--limit-ms`
// with no error anywhere, and the process must then exit by itself (run it
// under `timeout` to check that; the CI test does).
//
//   node --conditions=@sunflare/source --import tsx soak/shutdown.ts --rounds 50

const rounds = numberArg("rounds", 50);
const limitMs = numberArg("limit-ms", 2000);
const transports: Transport[] = ["inproc", "ipc", "tcp"];
type Mode = "bus.shutdown" | "sockets-then-forwarder" | "forwarder-then-sockets";
const modes: Mode[] = ["bus.shutdown", "sockets-then-forwarder", "forwarder-then-sockets"];

const failures: string[] = [];
const fail = (where: string, error: unknown): void =>
  void failures.push(
    `${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
let unhandled = 0;
process.on("unhandledRejection", (reason) => {
  unhandled++;
  fail("unhandledRejection", reason);
});
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => fail("logger.warn", message),
  error: (message, error) => fail(`logger.error ${message}`, error),
};

/** Sends until closed; a ClosedError is the expected end, anything else a failure. */
async function publishFlatOut(publisher: Publisher, id: number, batch: number): Promise<number> {
  let sent = 0;
  try {
    for (;;) {
      if (batch === 1) await publisher.send("load", { id, seq: sent++ });
      else {
        // Many sends in flight at once: they must all settle at close.
        const pending = Array.from({ length: batch }, () =>
          publisher.send("load", { id, seq: sent++ }),
        );
        await Promise.all(pending);
      }
    }
  } catch (error) {
    if (!(error instanceof ClosedError)) fail(`publisher ${id}`, error);
  }
  return sent;
}

async function round(index: number): Promise<{ ms: number; received: number }> {
  const mode = modes[index % modes.length]!;
  const transport = transports[Math.floor(index / modes.length) % transports.length]!;
  const started = performance.now();
  const bus =
    mode === "bus.shutdown" ? new VirtualBus({ logger, forwarder: { transport } }) : undefined;
  const forwarder = bus?.forwarder ?? new Forwarder({ transport, logger });
  await (bus ? bus.ready() : forwarder.start());
  const makeSubscriber = (): Subscriber =>
    bus ? bus.connectSubscriber("load") : new S(forwarder, { topics: "load", logger });
  const makePublisher = (): Publisher => (bus ? bus.connectPublisher() : new P(forwarder));

  let received = 0;
  let enough!: () => void;
  const midStream = new Promise<void>((resolve) => (enough = resolve));
  const count = (): void => {
    if (++received === 1000) enough();
  };
  const consumer = bus
    ? bus.connectSubscriber("load", { consume: count })
    : new S(forwarder, { topics: "load", logger, consume: count });
  const iterated = makeSubscriber();
  const received1 = makeSubscriber();
  const subscribers = [consumer, iterated, received1];
  for (const subscriber of subscribers)
    subscriber.on("error", (error) => fail("subscriber", error));
  await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
  const iterating = (async () => {
    for await (const _ of iterated) count();
  })();
  const receiving = (async () => {
    try {
      for (;;) {
        await received1.receive();
        count();
      }
    } catch (error) {
      if (!(error instanceof ClosedError)) fail("receive", error);
    }
  })();
  const publishers = [makePublisher(), makePublisher(), makePublisher()];
  const publishing = publishers.map((publisher, id) =>
    publishFlatOut(publisher, id, [1, 50, 1][id]!),
  );

  await midStream;
  const closeSockets = (): void => {
    for (const socket of [...publishers, ...subscribers]) socket.close();
  };
  try {
    if (bus) await bus.shutdown();
    else if (mode === "sockets-then-forwarder") {
      closeSockets();
      await forwarder.stop();
    } else {
      await forwarder.stop();
      closeSockets();
    }
  } catch (error) {
    fail(`${mode} over ${transport}`, error);
  }
  await Promise.all([iterating, receiving, ...publishing]);
  const ms = performance.now() - started;
  if (ms > limitMs) fail(`round ${index} (${mode} over ${transport})`, `took ${ms.toFixed(0)} ms`);
  console.log(
    `round ${String(index).padStart(2)} ${mode.padEnd(22)} ${transport.padEnd(6)} ${ms.toFixed(0).padStart(5)} ms, ${received} received`,
  );
  return { ms, received };
}

const times: number[] = [];
for (let index = 0; index < rounds; index++) times.push((await round(index)).ms);
const sorted = [...times].sort((a, b) => a - b);
console.log(
  JSON.stringify({
    rounds,
    maxMs: Math.round(sorted.at(-1) ?? 0),
    medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    failures,
    unhandled,
    endedAt: Date.now(),
  }),
);
if (failures.length > 0) process.exitCode = 1;
