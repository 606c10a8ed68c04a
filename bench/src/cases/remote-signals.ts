/**
 * Case: a signal emitted on the main thread reaching a slot in a worker
 * thread that joined the bus (`VirtualBus.join`), against the bus's own data
 * path between the same two threads (a Publisher on the main thread, a
 * Subscriber in the worker), same payload, same pacing, in the same run.
 *
 * This module is also the worker's entry: started with `workerData.role`
 * set, it joins the bus and measures what arrives.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

import type { BusAddress } from "@sunflare/virtual";

import type { BenchCase, BenchRow } from "../case.js";
import { loadVirtual } from "../bus/load.js";
import { compared } from "../util/compare.js";
import { median, quantile } from "../util/stats.js";
import { settingsOf } from "./settings.js";

const label = "9 remote signals main -> worker";
const topic = "bench/remote";
const CHUNK = 1000;

/** A wall clock shared by the threads of one process, in ms. */
const clock = (): number => performance.timeOrigin + performance.now();

type Mode = "signal" | "data";
interface Job {
  role: "remote-signals";
  address: BusAddress;
  mode: Mode;
  /** Messages per measurement. */
  count: number;
  /** Measurements (each answered with its samples). */
  rounds: number;
  /** Record latencies (one-way, from the shared clock). */
  latency: boolean;
}

/** The worker: joins, receives `count` values per round, reports the rate or the latencies. */
async function runWorker(job: Job): Promise<void> {
  const { VirtualBus } = await import("@sunflare/virtual");
  const bus = await VirtualBus.join(job.address);
  let received = 0;
  let first = 0;
  const samples: number[] = [];
  const onValue = (_seq: number, sent: number): void => {
    if (received === 0) first = clock();
    if (job.latency) samples.push((clock() - sent) * 1000);
    if (++received === job.count) {
      parentPort!.postMessage({
        seconds: (clock() - first) / 1000,
        samples: job.latency ? samples.slice() : [],
      });
      received = 0;
      samples.length = 0;
    }
  };
  if (job.mode === "signal") {
    await bus.connect("Source", "sigValue", onValue, { deferred: true }).ready;
  } else {
    const subscriber = bus.connectSubscriber(topic, {
      consume: (message) => {
        const [seq, sent] = message.value as [number, number];
        onValue(seq, sent);
      },
    });
    await subscriber.ready();
  }
  parentPort!.postMessage({ ready: true });
  parentPort!.on("message", (command) => {
    if (command === "stop") void bus.shutdown();
  });
  // The bus keeps this thread alive until it shuts down; the channel must not.
  parentPort!.unref();
}

if (!isMainThread && (workerData as Partial<Job> | null)?.role === "remote-signals") {
  await runWorker(workerData as Job);
}

interface Result {
  rates: number[];
  samples: number[];
}

/** Runs one mode: a host bus, a worker member, `rounds` bursts (or paced runs) of `count`. */
async function measure(
  mode: Mode,
  settings: { count: number; rounds: number },
  latency: { rate: number } | undefined,
): Promise<Result> {
  const { Signal, VirtualBus } = await import("@sunflare/virtual");
  const bus = new VirtualBus();
  await bus.ready();
  const source = { sigValue: new Signal<[seq: number, sent: number]>() };
  bus.registerSignals(source, { name: "Source" });
  const publisher = bus.connectPublisher();
  const job: Job = {
    role: "remote-signals",
    address: bus.address,
    mode,
    count: settings.count,
    rounds: settings.rounds,
    latency: latency !== undefined,
  };
  // Node 20 ignores `--import tsx` in workers: the entry registers tsx itself.
  const entry = `(async () => {
    const { register } = await import("tsx/esm/api");
    register();
    await import(${JSON.stringify(import.meta.url)});
  })();`;
  const worker = new Worker(entry, { eval: true, workerData: job });
  const replies: ((value: { seconds: number; samples: number[] }) => void)[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    worker.on("message", (message: { ready?: boolean; seconds: number; samples: number[] }) => {
      if (message.ready) resolve();
      else replies.shift()?.(message);
    });
    worker.once("error", reject);
  });
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  const emit = (seq: number): void => {
    if (mode === "signal") source.sigValue.emit(seq, clock());
    else void publisher.send(topic, [seq, clock()]);
  };
  const result: Result = { rates: [], samples: [] };
  try {
    await ready;
    for (let round = 0; round < settings.rounds; round++) {
      const done = new Promise<{ seconds: number; samples: number[] }>((resolve) =>
        replies.push(resolve),
      );
      const started = clock();
      if (latency === undefined) {
        // Bursts of CHUNK back to back, letting the event loop run between them.
        for (let seq = 0; seq < settings.count; seq++) {
          emit(seq);
          if (seq % CHUNK === CHUNK - 1) await new Promise((resolve) => setImmediate(resolve));
        }
      } else {
        const interval = 1000 / latency.rate;
        for (let seq = 0; seq < settings.count; seq++) {
          emit(seq);
          const next = started + (seq + 1) * interval;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - clock())));
        }
      }
      const reply = await done;
      result.rates.push(settings.count / ((clock() - started) / 1000));
      result.samples.push(...reply.samples);
    }
  } finally {
    worker.postMessage("stop");
    await exited;
    await bus.shutdown();
  }
  return result;
}

/**
 * Case 9: remote emission throughput and latency, main thread to a worker
 * thread, against the data path between the same threads.
 */
export const remoteSignals: BenchCase = {
  name: "remote-signals",
  async run(context) {
    const settings = settingsOf("remoteSignals", context.quick);
    const loaded = await loadVirtual();
    if (typeof loaded === "string") {
      context.note(loaded);
      return [];
    }
    const rows: BenchRow[] = [];
    const throughput = { count: settings.count, rounds: settings.rounds };
    context.log(`${label}: data path throughput`);
    const data = await measure("data", throughput, undefined);
    context.log(`${label}: signal throughput`);
    const signal = await measure("signal", throughput, undefined);
    const dataRow: BenchRow = {
      case: label,
      subject: "bus data path (Publisher -> worker Subscriber)",
      value: median(data.rates),
      unit: "msg/s",
    };
    rows.push(
      dataRow,
      compared(
        {
          case: label,
          subject: "remote signal emit",
          value: median(signal.rates),
          unit: "emits/s",
        },
        dataRow,
        { min: 0.5 },
      ),
    );

    const paced = { count: settings.latency.count, rounds: 1 };
    const rate = { rate: settings.latency.rate };
    context.log(`${label}: data path latency`);
    const dataLatency = await measure("data", paced, rate);
    context.log(`${label}: signal latency`);
    const signalLatency = await measure("signal", paced, rate);
    for (const [name, q] of [
      ["p50", 0.5],
      ["p99", 0.99],
    ] as const) {
      const base: BenchRow = {
        case: `${label} latency @ ${settings.latency.rate}/s`,
        subject: "bus data path",
        value: quantile(dataLatency.samples, q),
        unit: "µs",
        detail: name,
      };
      rows.push(
        base,
        compared(
          { ...base, subject: "remote signal", value: quantile(signalLatency.samples, q) },
          base,
          name === "p50" ? { max: 1.5 } : undefined,
        ),
      );
    }
    return rows;
  },
};
