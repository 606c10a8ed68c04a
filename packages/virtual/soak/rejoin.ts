// Soak (not run by CI): a member rejoins 100 times across host restarts, each
// a new host process SIGKILLed in turn. Prints the time from each host
// answering (bound and ready) to the member being live again (rejoined, its
// connection to the host's signal live, a round trip done), and the growth of
// its heap after GC. Fails (exit 1) past 2 s for a rejoin or 5 MB of growth.
//
//   pnpm --filter @sunflare/virtual soak        [ROUNDS=100]
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BusAddress } from "../src/index.js";
import { Signal, VirtualBus } from "../src/index.js";

const rounds = Number(process.env.ROUNDS ?? 100);
const heartbeatMs = 100;
const hostFile = fileURLToPath(new URL("../test/fixtures/rejoin-host.ts", import.meta.url));
const gc = (globalThis as { gc?: () => void }).gc;

interface Host {
  readonly child: ChildProcess;
  readonly address: BusAddress;
  /** Resolves with the first message `match` accepts from now on. */
  report(match: (r: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

async function startHost(publishPort: number, subscribePort: number): Promise<Host> {
  const data = { host: "127.0.0.1", publishPort, subscribePort, heartbeatMs, level: 1 };
  const child = spawn(process.execPath, [...process.execArgv, hostFile, JSON.stringify(data)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const report = (match: (r: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const listener = (message: Record<string, unknown>): void => {
        if (!match(message)) return;
        child.off("message", listener);
        resolve(message);
      };
      child.on("message", listener);
    });
  const { address } = await report((r) => "address" in r);
  return { child, address: address as BusAddress, report };
}

class Rejoiner {
  readonly sigPong = new Signal<[number]>();
}

const port = (address: string): number => Number(/:(\d+)$/.exec(address)![1]);
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
};

let host = await startHost(0, 0);
const ports = [port(host.address.publishAddress), port(host.address.subscribeAddress)] as const;
const bus = await VirtualBus.join(host.address, { heartbeatMs, logger: quiet });
const rejoiner = new Rejoiner();
bus.registerSignals(rejoiner);
const pings = bus.connect("Host", "sigPing", (n: number) => rejoiner.sigPong.emit(n));
await pings.ready;

const roundTrip = async (n: number): Promise<void> => {
  const pong = host.report((r) => r.pong === n);
  host.child.send({ ping: n });
  await pong;
};
const heap = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

const times: number[] = [];
let baseline = 0;
for (let round = 1; round <= rounds; round++) {
  const lost = new Promise((resolve) => bus.membership.once("host-lost", resolve));
  host.child.kill("SIGKILL");
  await lost;
  const rejoined = new Promise((resolve) => bus.membership.once("rejoined", resolve));
  const next = startHost(...ports);
  // The host answers once it is bound and its membership started: it reports its address then.
  host = await next;
  const answeredAt = performance.now();
  const hostLive = host.report((r) => r.pongsLive === true);
  await rejoined;
  await pings.ready;
  await hostLive;
  await roundTrip(round);
  times.push(performance.now() - answeredAt);
  if (round === Math.min(10, rounds)) baseline = heap();
}
const growth = heap() - baseline;
host.child.kill("SIGKILL");
await bus.shutdown();

const sorted = [...times].sort((a, b) => a - b);
const at = (q: number): string =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
console.log(
  `rejoins: ${times.length}, host answering -> live again: median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`,
);
console.log(
  `heap growth after GC, round 10 -> ${rounds}: ${(growth / 1e6).toFixed(2)} MB${gc ? "" : " (no --expose-gc: not collected)"}`,
);
const slow = times.filter((t) => t > 2000).length;
if (slow > 0 || growth > 5e6) {
  console.error(`FAILED: ${slow} rejoins over 2 s, growth ${(growth / 1e6).toFixed(2)} MB`);
  process.exit(1);
}
