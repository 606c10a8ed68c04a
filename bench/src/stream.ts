import { setTimeout as sleep } from "node:timers/promises";

import { deferred, now, waitFor } from "./util/timing.js";

/**
 * One way of moving messages from one publisher to one or more subscribers
 * (the bus, raw zeromq.js), driven the same way by every throughput and
 * latency case so that both sides pay the same harness costs.
 */
export interface StreamSubject {
  /** How many subscribers receive each message. */
  readonly receivers: number;
  /** Resolves once a message sent now reaches every subscriber. */
  ready(): Promise<void>;
  /** Sends message `seq`, stamped with the current time where the payload has room for it. */
  send(seq: number): Promise<void>;
  /**
   * Starts the receive loops; `onMessage` runs once per delivery, `onError`
   * once if a receive loop fails (the measurement then fails with it).
   */
  start(onMessage: (seq: number, sentAt: number) => void, onError: (error: unknown) => void): void;
  close(): Promise<void>;
}

/**
 * The first receive-loop error, as a rejection that `race` adds to any wait:
 * a failing receiver ends the measurement instead of leaving it to stall.
 */
function failure(): {
  reject: (error: unknown) => void;
  race: <T>(promise: Promise<T>) => Promise<T>;
} {
  let reject!: (error: unknown) => void;
  const failed = new Promise<never>((_, r) => (reject = r));
  failed.catch(() => undefined);
  return { reject, race: (promise) => Promise.race([promise, failed]) };
}

/** What one timed stream run delivered. */
export interface StreamResult {
  readonly sent: number;
  readonly delivered: number;
  readonly expected: number;
  readonly seconds: number;
  /** Deliveries per second (all subscribers together). */
  readonly rate: number;
  /**
   * Process CPU time (all threads: JavaScript, the proxy thread, zeromq's
   * I/O) per message sent, in µs: steadier than the rate on a busy machine.
   */
  readonly cpuPerMessage: number;
}

/**
 * Sends `warmup` then `count` messages, one awaited send each, and times the
 * second batch from its first send to its last delivery.
 */
export async function throughput(
  subject: StreamSubject,
  count: number,
  warmup: number,
): Promise<StreamResult> {
  let delivered = 0;
  let target = warmup * subject.receivers;
  let finished = deferred();
  let lastAt = 0;
  const failed = failure();
  subject.start(() => {
    lastAt = now();
    if (++delivered === target) finished.resolve();
  }, failed.reject);
  await failed.race(subject.ready());

  for (let seq = 0; seq < warmup; seq++) await subject.send(seq);
  await failed.race(waitFor(finished.promise, () => delivered));

  delivered = 0;
  target = count * subject.receivers;
  finished = deferred();
  const cpu = process.cpuUsage();
  const start = now();
  for (let seq = 0; seq < count; seq++) await subject.send(seq);
  await failed.race(waitFor(finished.promise, () => delivered));
  const { user, system } = process.cpuUsage(cpu);
  const seconds = (lastAt - start) / 1000;
  return {
    sent: count,
    delivered,
    expected: target,
    seconds,
    rate: delivered / seconds,
    cpuPerMessage: (user + system) / count,
  };
}

/**
 * Publish-to-receive latencies, in microseconds, of `count` messages sent at a
 * fixed rate after `warmup` messages whose latencies are not kept.
 */
export async function latency(
  subject: StreamSubject,
  count: number,
  warmup: number,
  ratePerSecond: number,
): Promise<{ samples: Float64Array; delivered: number; seconds: number }> {
  const samples = new Float64Array(count);
  let delivered = 0;
  const finished = deferred();
  const failed = failure();
  subject.start((seq, sentAt) => {
    if (seq < warmup) return;
    samples[delivered] = (now() - sentAt) * 1000;
    if (++delivered === count) finished.resolve();
  }, failed.reject);
  await failed.race(subject.ready());

  const interval = 1000 / ratePerSecond;
  const start = now();
  for (let seq = 0; seq < warmup + count; seq++) {
    // An idle event loop between sends, as in a real paced stream: no busy
    // waiting, which would delay the receive side and inflate its latency.
    const wait = start + seq * interval - now();
    if (wait > 0) await sleep(wait);
    await subject.send(seq);
  }
  await failed.race(waitFor(finished.promise, () => delivered));
  return { samples: samples.subarray(0, delivered), delivered, seconds: (now() - start) / 1000 };
}

/**
 * Runs `rounds` throughput rounds, each on a fresh subject, and returns every
 * round (the caller reports the median rate).
 */
export async function throughputRounds(
  create: () => Promise<StreamSubject>,
  settings: { readonly count: number; readonly warmup: number; readonly rounds: number },
): Promise<StreamResult[]> {
  const results: StreamResult[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    const subject = await create();
    try {
      results.push(await throughput(subject, settings.count, settings.warmup));
    } finally {
      await subject.close();
    }
  }
  return results;
}

/**
 * Throughput of the raw baseline and of the bus, alternating round by round so
 * that drift in machine load hits all. `createOurs` lists the bus subjects,
 * each with its results at the same index; empty (the bus could not be
 * loaded), only the raw rounds run.
 */
export async function alternatingRounds(
  createRaw: () => Promise<StreamSubject>,
  createOurs: readonly (() => Promise<StreamSubject>)[],
  settings: { readonly count: number; readonly warmup: number; readonly rounds: number },
  onRound?: (round: number) => void,
): Promise<{ raw: StreamResult[]; ours: StreamResult[][] }> {
  const raw: StreamResult[] = [];
  const ours = createOurs.map((): StreamResult[] => []);
  const one = { count: settings.count, warmup: settings.warmup, rounds: 1 };
  for (let round = 0; round < settings.rounds; round++) {
    onRound?.(round);
    raw.push(...(await throughputRounds(createRaw, one)));
    for (const [index, create] of createOurs.entries()) {
      ours[index]!.push(...(await throughputRounds(create, one)));
    }
  }
  return { raw, ours };
}

/** The median-rate round, and a note for any round that lost messages. */
export function summarize(
  label: string,
  results: readonly StreamResult[],
  note: (line: string) => void,
): StreamResult {
  for (const result of results) {
    if (result.delivered < result.expected) {
      note(`${label}: delivered ${result.delivered} of ${result.expected} in a round`);
    }
  }
  const sorted = [...results].sort((a, b) => a.rate - b.rate);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error(`${label}: no rounds ran`);
  return middle;
}

/** The CPU cost column of a throughput row. */
export function cpuDetail(micros: number): string {
  return `${micros.toFixed(1)} µs CPU/msg`;
}
