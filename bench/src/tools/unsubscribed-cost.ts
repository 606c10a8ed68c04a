/**
 * What readiness at the forwarder costs: every publisher forwards what it
 * sends, and the forwarder drops what nobody subscribed to, where a publisher
 * used to drop it itself. One publisher sends small messages on a topic
 * nobody subscribed to (a subscriber listens to another), through the
 * Sunflare forwarder and, as the baseline, through the same XSUB/XPUB proxy
 * without the catch-all (the publisher then filters), alternating rounds in
 * one process. Figures: send rate, and CPU µs per message for the whole
 * process (publisher, proxy and ZeroMQ I/O threads), until a final message
 * on the subscribed topic has come through behind the others.
 *
 * Usage (in bench/): node --conditions=@sunflare/source --import tsx src/tools/unsubscribed-cost.ts [--count 200000] [--rounds 5] [--bytes 0]
 * (`--bytes N`: each message carries N bytes of binary data, e.g. 524288 for a 512x512 uint16 frame)
 */
import { parseArgs } from "node:util";

import type { Transport } from "@sunflare/forwarder";
import { Forwarder, Publisher, Subscriber } from "@sunflare/forwarder";
import { Proxy, XPublisher, XSubscriber } from "zeromq";

import { median } from "../util/stats.js";
import { now } from "../util/timing.js";

interface Hub {
  addresses: { publishAddress: string; subscribeAddress: string };
  stop(): Promise<void>;
}

async function sunflareHub(transport: Transport): Promise<Hub> {
  const forwarder = new Forwarder({ transport });
  await forwarder.start();
  return { addresses: forwarder, stop: () => forwarder.stop() };
}

/** The forwarder as it was: only the sync topic at the XSUB, so publishers filter. */
async function filteringHub(transport: Transport): Promise<Hub> {
  const xsub = new XSubscriber({ linger: 0 });
  const xpub = new XPublisher({ linger: 0 });
  const id = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  await xsub.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : `inproc://unsub-${id}-pub`);
  await xpub.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : `inproc://unsub-${id}-sub`);
  await xsub.send(Buffer.concat([Buffer.of(1), Buffer.from("\0sunflare/forwarder")]));
  const proxy = new Proxy(xsub, xpub);
  const running = proxy.run();
  return {
    addresses: { publishAddress: xsub.lastEndpoint!, subscribeAddress: xpub.lastEndpoint! },
    stop: async () => {
      proxy.terminate();
      await running;
    },
  };
}

async function round(
  hub: Hub,
  count: number,
  payload: Uint8Array | undefined,
): Promise<{ rate: number; cpu: number }> {
  const subscriber = new Subscriber(hub.addresses, { topics: "listened" });
  const publisher = new Publisher(hub.addresses, { bundle: false });
  await subscriber.ready();
  await publisher.send("listened", "warm");
  await subscriber.receive();
  const cpuStart = process.cpuUsage();
  const started = now();
  for (let i = 0; i < count; i++) await publisher.send("nobody", payload ?? i);
  const sent = now() - started;
  // Behind everything else: once it arrives, the forwarder has seen the rest.
  await publisher.send("listened", "end");
  await subscriber.receive();
  const cpu = process.cpuUsage(cpuStart);
  publisher.close();
  subscriber.close();
  await hub.stop();
  return { rate: count / (sent / 1000), cpu: (cpu.user + cpu.system) / count };
}

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "200000" },
    rounds: { type: "string", default: "5" },
    bytes: { type: "string", default: "0" },
  },
});
const count = Number(values.count);
const bytes = Number(values.bytes);
const payload = bytes > 0 ? new Uint8Array(bytes) : undefined;
console.log(
  `${count} messages (${bytes > 0 ? `${bytes} bytes` : "small"}) nobody subscribed to, median of ${values.rounds} alternating rounds`,
);
console.log("transport  forwarder                      msg/s     CPU µs/msg");
for (const transport of ["inproc", "tcp"] as const) {
  type Result = Awaited<ReturnType<typeof round>>;
  const results: Record<"sunflare" | "filtering", Result[]> = { sunflare: [], filtering: [] };
  for (let r = 0; r < Number(values.rounds); r++) {
    results.filtering.push(await round(await filteringHub(transport), count, payload));
    results.sunflare.push(await round(await sunflareHub(transport), count, payload));
  }
  for (const [name, label] of [
    ["filtering", "baseline: publisher filters"],
    ["sunflare", "Sunflare: forwarder filters"],
  ] as const) {
    const rate = median(results[name].map((result) => result.rate));
    const cpu = median(results[name].map((result) => result.cpu));
    console.log(
      `${transport.padEnd(9)}  ${label.padEnd(28)}  ${Math.round(rate).toString().padStart(8)}  ${cpu.toFixed(2).padStart(10)}`,
    );
  }
}
