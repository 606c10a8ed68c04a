/**
 * Case: calls and properties between the main thread (the bus's host) and a
 * member in a worker thread (`VirtualBus.join`), each against the signal
 * figure it stands beside, measured with the same two threads in the same
 * run:
 *
 * - a call's round trip (`await bus.call("Echo", "echo", [i])`, one at a
 *   time) against a signal ping-pong (the main thread emits `Main.sigPing`,
 *   the worker's slot emits `Pong.sigPong` back);
 * - calls pipelined (a window of {@link WINDOW} in flight) against remote
 *   emissions main -> worker, as case 9 measures them;
 * - a property's change latency, main -> worker (the main thread's owner
 *   sets `Main.value`, the worker's stand-in `changed` fires), against a
 *   signal's latency main -> worker, both paced at 1,000/s.
 *
 * Rounds alternate between each subject and its baseline, so that load
 * drift hits both. This module is also the worker's entry: started with
 * `workerData.role` set, it joins the bus, registers `Echo` and `Pong`, and
 * counts what arrives when the main thread asks it to.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

import type { BusAddress, Property, Signal, VirtualBus } from "@sunflare/virtual";

import type { BenchCase, BenchRow } from "../case.js";
import { loadVirtual } from "../bus/load.js";
import { compared } from "../util/compare.js";
import { median, quantile } from "../util/stats.js";

const label = "11 calls main <-> worker";
/** Emissions per burst between turns of the event loop (as case 9). */
const CHUNK = 1000;
/** Calls in flight in the pipelined rows. */
const WINDOW = 1000;

/** Counts of one kind of run (kept here: `settings.ts` belongs to the other cases). */
interface CallsSettings {
  /** Round trips: warm-up per subject, then `rounds` blocks of `count` per subject. */
  readonly roundTrip: { readonly warmup: number; readonly count: number; readonly rounds: number };
  /** Pipelined calls and emissions: a warm-up, then `rounds` of `count` per subject. */
  readonly throughput: {
    readonly warmup: number;
    readonly count: number;
    readonly rounds: number;
  };
  /** Paced changes and emissions: `rounds` of `count` per subject at `rate`/s. */
  readonly latency: {
    readonly warmup: number;
    readonly count: number;
    readonly rounds: number;
    readonly rate: number;
  };
}

const full: CallsSettings = {
  roundTrip: { warmup: 500, count: 1_000, rounds: 5 },
  throughput: { warmup: 10_000, count: 100_000, rounds: 3 },
  latency: { warmup: 100, count: 1_000, rounds: 3, rate: 1_000 },
};

const quick: CallsSettings = {
  roundTrip: { warmup: 100, count: 300, rounds: 2 },
  throughput: { warmup: 2_000, count: 10_000, rounds: 1 },
  latency: { warmup: 20, count: 300, rounds: 1, rate: 1_000 },
};

/** A wall clock shared by the threads of one process, in ms. */
const clock = (): number => performance.timeOrigin + performance.now();

/** What the worker is started with. */
interface Job {
  role: "calls";
  address: BusAddress;
}

/** Main -> worker: count the next `count` arrivals on `channel`, answer with their rate and latencies. */
interface Expect {
  expect: "signal" | "property";
  count: number;
}

/** The worker's count: the time from the first arrival to the last, and each one's latency (µs). */
interface Answer {
  seconds: number;
  samples: number[];
}

/** Worker -> main. */
type Reply = { ready: true } | { armed: true } | Answer;

/** A value that carries its sequence number and send time. */
type Stamped = [seq: number, sent: number];

/** The worker: joins, registers `Echo` (a slot) and `Pong` (a signal), and counts arrivals on request. */
async function runWorker(job: Job): Promise<void> {
  const { Signal, VirtualBus } = await import("@sunflare/virtual");
  const bus = await VirtualBus.join(job.address);
  const echo = { echo: (value: number): number => value };
  bus.registerSignals(echo, { name: "Echo", slots: ["echo"] });
  const pong = { sigPong: new Signal<[seq: number]>() };
  bus.registerSignals(pong, { name: "Pong" });

  let expecting: Expect | undefined;
  let received = 0;
  let first = 0;
  const samples: number[] = [];
  const arrived = (channel: Expect["expect"], sent: number): void => {
    if (expecting?.expect !== channel) return;
    const now = clock();
    if (received === 0) first = now;
    samples.push((now - sent) * 1000);
    if (++received === expecting.count) {
      parentPort!.postMessage({ seconds: (now - first) / 1000, samples: samples.slice() });
      expecting = undefined;
      received = 0;
      samples.length = 0;
    }
  };

  const ping = bus.connect("Main", "sigPing", (seq: number) => pong.sigPong.emit(seq), {
    deferred: true,
  });
  const value = bus.connect(
    "Main",
    "sigValue",
    (_seq: number, sent: number) => arrived("signal", sent),
    { deferred: true },
  );
  await Promise.all([ping.ready, value.ready]);
  // `Main` is known here now, its property values with it.
  const property = bus.properties("Main").value as Property<Stamped> | undefined;
  if (property === undefined) throw new Error("the worker sees no property Main.value");
  property.changed.connect(([, sent]) => arrived("property", sent));

  parentPort!.postMessage({ ready: true } satisfies Reply);
  parentPort!.on("message", (command: Expect | "stop") => {
    if (command === "stop") {
      void bus.shutdown();
      return;
    }
    expecting = command;
    parentPort!.postMessage({ armed: true } satisfies Reply);
  });
  // The bus keeps this thread alive until it shuts down; the channel must not.
  parentPort!.unref();
}

if (!isMainThread && (workerData as Partial<Job> | null)?.role === "calls") {
  await runWorker(workerData as Job);
}

/** The main thread's side: the host bus, its owner `Main`, and the worker. */
interface Host {
  readonly bus: VirtualBus;
  readonly main: {
    readonly sigPing: Signal<[seq: number]>;
    readonly sigValue: Signal<Stamped>;
    readonly value: Property<Stamped>;
  };
  /** Resolves with the next `Pong.sigPong` emission's sequence number. */
  nextPong(): Promise<number>;
  /**
   * Asks the worker to count `count` arrivals on `channel`; resolves once it
   * is armed, with its answer to come (wrapped: an awaited promise would wait for it).
   */
  expect(channel: Expect["expect"], count: number): Promise<{ answer: Promise<Answer> }>;
  close(): Promise<void>;
}

async function startHost(): Promise<Host> {
  const { Property, Signal, VirtualBus } = await import("@sunflare/virtual");
  const bus = new VirtualBus();
  await bus.ready();
  const main = {
    sigPing: new Signal<[seq: number]>(),
    sigValue: new Signal<Stamped>(),
    value: new Property<Stamped>([-1, 0]),
  };
  bus.registerSignals(main, { name: "Main" });

  let onPong: ((seq: number) => void) | undefined;
  const pong = bus.connect("Pong", "sigPong", (seq: number) => onPong?.(seq), { deferred: true });

  // Node 20 ignores `--import tsx` in workers: the entry registers tsx itself.
  const entry = `(async () => {
    const { register } = await import("tsx/esm/api");
    register();
    await import(${JSON.stringify(import.meta.url)});
  })();`;
  const job: Job = { role: "calls", address: bus.address };
  const worker = new Worker(entry, { eval: true, workerData: job });
  const waiting: ((reply: Reply) => void)[] = [];
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  const failed = new Promise<never>((_, reject) => worker.once("error", reject));
  failed.catch(() => undefined);
  worker.on("message", (reply: Reply) => waiting.shift()?.(reply));
  const next = (): Promise<Reply> =>
    Promise.race([new Promise<Reply>((resolve) => waiting.push(resolve)), failed]);

  const close = async (): Promise<void> => {
    worker.postMessage("stop");
    await exited;
    await bus.shutdown();
  };
  try {
    await next(); // ready
    await pong.ready;
    // The worker registered Echo before it said it was ready; wait until it is known here.
    for (let tries = 0; !bus.has("Echo"); tries++) {
      if (tries > 1000) throw new Error("Echo did not become known on the main thread");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    bus,
    main,
    nextPong: () => new Promise((resolve) => (onPong = resolve)),
    async expect(channel, count) {
      const armed = next();
      const answer = next() as Promise<Answer>;
      worker.postMessage({ expect: channel, count } satisfies Expect);
      await armed;
      return { answer };
    },
    close,
  };
}

/** Round-trip times, µs: `count` signal ping-pongs one at a time. */
async function pingPongs(host: Host, count: number, into: number[]): Promise<void> {
  for (let seq = 0; seq < count; seq++) {
    const started = performance.now();
    const reply = host.nextPong();
    host.main.sigPing.emit(seq);
    if ((await reply) !== seq) throw new Error(`ping ${seq} answered out of order`);
    into.push((performance.now() - started) * 1000);
  }
}

/** Round-trip times, µs: `count` calls of `Echo.echo`, one at a time. */
async function callRoundTrips(host: Host, count: number, into: number[]): Promise<void> {
  for (let seq = 0; seq < count; seq++) {
    const started = performance.now();
    const result = await host.bus.call("Echo", "echo", [seq]);
    if (result !== seq) throw new Error(`echo ${seq} answered ${String(result)}`);
    into.push((performance.now() - started) * 1000);
  }
}

/** Calls/s: `count` calls of `Echo.echo`, {@link WINDOW} in flight. */
async function pipelinedCalls(host: Host, count: number): Promise<number> {
  const started = performance.now();
  let issued = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    const answered = (): void => {
      if (++done === count) resolve();
      else issue();
    };
    const issue = (): void => {
      while (issued < count && issued - done < WINDOW) {
        host.bus.call("Echo", "echo", [issued++]).then(answered, reject);
      }
    };
    issue();
  });
  return count / ((performance.now() - started) / 1000);
}

/** Emissions/s main -> worker: `count` emissions in bursts of {@link CHUNK}, until the worker counted them all. */
async function remoteEmissions(host: Host, count: number): Promise<number> {
  const { answer } = await host.expect("signal", count);
  const started = performance.now();
  for (let seq = 0; seq < count; seq++) {
    host.main.sigValue.emit(seq, 0);
    if (seq % CHUNK === CHUNK - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  await answer;
  return count / ((performance.now() - started) / 1000);
}

/** One-way latencies main -> worker, µs: `count` changes (or emissions) at `rate`/s. */
async function paced(
  host: Host,
  channel: Expect["expect"],
  count: number,
  rate: number,
): Promise<number[]> {
  const { answer } = await host.expect(channel, count);
  const interval = 1000 / rate;
  const started = clock();
  for (let seq = 0; seq < count; seq++) {
    if (channel === "signal") host.main.sigValue.emit(seq, clock());
    else void host.main.value.set([seq, clock()]);
    const next = started + (seq + 1) * interval;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - clock())));
  }
  return (await answer).samples;
}

/**
 * Case 11: calls and property changes between the main thread and a worker
 * thread, against the signal figures beside them.
 */
export const calls: BenchCase = {
  name: "calls",
  async run(context) {
    const settings = context.quick ? quick : full;
    const loaded = await loadVirtual();
    if (typeof loaded === "string") {
      context.note(loaded);
      return [];
    }
    const host = await startHost();
    const rows: BenchRow[] = [];
    try {
      // 1. Round trips, one at a time.
      const { roundTrip } = settings;
      context.log(`${label}: round trips`);
      await pingPongs(host, roundTrip.warmup, []);
      await callRoundTrips(host, roundTrip.warmup, []);
      const pingSamples: number[] = [];
      const callSamples: number[] = [];
      for (let round = 0; round < roundTrip.rounds; round++) {
        if (round % 2 === 0) {
          await pingPongs(host, roundTrip.count, pingSamples);
          await callRoundTrips(host, roundTrip.count, callSamples);
        } else {
          await callRoundTrips(host, roundTrip.count, callSamples);
          await pingPongs(host, roundTrip.count, pingSamples);
        }
      }
      for (const [name, q] of [
        ["p50", 0.5],
        ["p99", 0.99],
      ] as const) {
        const base: BenchRow = {
          case: `${label} round trip`,
          subject: "signal ping-pong",
          value: quantile(pingSamples, q),
          unit: "µs",
          detail: name,
        };
        rows.push(
          base,
          compared(
            { ...base, subject: 'await call("Echo", "echo")', value: quantile(callSamples, q) },
            base,
            name === "p50" ? { max: 1.5 } : undefined,
          ),
        );
      }

      // 2. Pipelined calls against remote emissions.
      const { throughput } = settings;
      context.log(`${label}: pipelined calls and remote emissions`);
      await remoteEmissions(host, throughput.warmup);
      await pipelinedCalls(host, throughput.warmup);
      const emitRates: number[] = [];
      const callRates: number[] = [];
      for (let round = 0; round < throughput.rounds; round++) {
        if (round % 2 === 0) {
          emitRates.push(await remoteEmissions(host, throughput.count));
          callRates.push(await pipelinedCalls(host, throughput.count));
        } else {
          callRates.push(await pipelinedCalls(host, throughput.count));
          emitRates.push(await remoteEmissions(host, throughput.count));
        }
      }
      const emitRow: BenchRow = {
        case: `${label} throughput`,
        subject: "remote signal emit main -> worker",
        value: median(emitRates),
        unit: "emits/s",
      };
      rows.push(
        emitRow,
        compared(
          {
            case: `${label} throughput`,
            subject: `pipelined calls (${WINDOW} in flight)`,
            value: median(callRates),
            unit: "calls/s",
          },
          emitRow,
          { min: 0.5 },
        ),
      );

      // 3. Property change latency against signal latency, main -> worker.
      const { latency } = settings;
      context.log(`${label}: property change and signal latency`);
      await paced(host, "signal", latency.warmup, latency.rate);
      await paced(host, "property", latency.warmup, latency.rate);
      const signalLatency: number[] = [];
      const propertyLatency: number[] = [];
      for (let round = 0; round < latency.rounds; round++) {
        const order =
          round % 2 === 0 ? (["signal", "property"] as const) : (["property", "signal"] as const);
        for (const channel of order) {
          const samples = await paced(host, channel, latency.count, latency.rate);
          (channel === "signal" ? signalLatency : propertyLatency).push(...samples);
        }
      }
      for (const [name, q] of [
        ["p50", 0.5],
        ["p99", 0.99],
      ] as const) {
        const base: BenchRow = {
          case: `${label} latency main -> worker @ ${latency.rate}/s`,
          subject: "remote signal",
          value: quantile(signalLatency, q),
          unit: "µs",
          detail: name,
        };
        rows.push(
          base,
          compared(
            { ...base, subject: "property changed", value: quantile(propertyLatency, q) },
            base,
            name === "p50" ? { max: 1.1 } : undefined,
          ),
        );
      }
    } finally {
      await host.close();
    }
    return rows;
  },
};
