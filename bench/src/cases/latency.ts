import type { BenchCase, BenchRow } from "../case.js";
import { loadBus } from "../bus/load.js";
import { busSubject } from "../bus/subject.js";
import { rawSubject } from "../raw/subject.js";
import { latency } from "../stream.js";
import type { StreamSubject } from "../stream.js";
import { compared } from "../util/compare.js";
import { smallBusValue, smallJsonPayload } from "../util/small-message.js";
import { quantile } from "../util/stats.js";
import { settingsOf } from "./settings.js";

const label = "3 latency @ 1k msg/s";
const topic = "bench/latency";
const quantiles = [
  ["p50", 0.5],
  ["p99", 0.99],
  ["p99.9", 0.999],
] as const;

/** The p50/p99/p99.9 latencies of `subject`, in µs. */
async function measure(
  create: () => Promise<StreamSubject>,
  settings: { count: number; warmup: number; rate: number },
  label: string,
  note: (line: string) => void,
): Promise<number[]> {
  const subject = await create();
  try {
    const { samples, delivered, seconds } = await latency(
      subject,
      settings.count,
      settings.warmup,
      settings.rate,
    );
    if (delivered < settings.count) note(`${label}: delivered ${delivered} of ${settings.count}`);
    const achieved = (settings.count + settings.warmup) / seconds;
    if (Math.abs(achieved - settings.rate) > settings.rate * 0.2) {
      note(`${label}: sent at ${Math.round(achieved)} msg/s instead of ${settings.rate}`);
    }
    return quantiles.map(([, q]) => quantile(samples, q));
  } finally {
    await subject.close();
  }
}

/**
 * Case 3: publish-to-receive latency of small messages at a fixed rate,
 * bus against raw zeromq.js (same proxy shape, same process, same pacing).
 */
export const latencyCase: BenchCase = {
  name: "latency",
  async run(context) {
    const settings = settingsOf("latency", context.quick);
    const bus = await loadBus();
    if (typeof bus === "string") context.note(bus);

    context.log(`${label}: raw zeromq.js`);
    const raw = await measure(
      () =>
        rawSubject({
          topic,
          noDrop: true,
          payload: smallJsonPayload,
        }),
      settings,
      `${label} raw`,
      context.note,
    );
    const rows: BenchRow[] = [];
    const rawRows = quantiles.map(([name], index) => ({
      case: label,
      subject: "raw zeromq.js (JSON)",
      value: raw[index] ?? Number.NaN,
      unit: "µs",
      detail: name,
    }));
    rows.push(...rawRows);

    if (typeof bus !== "string") {
      context.log(`${label}: sunflare bus`);
      const ours = await measure(
        () =>
          busSubject(bus, {
            topic,
            ...smallBusValue,
          }),
        settings,
        `${label} bus`,
        context.note,
      );
      quantiles.forEach(([name], index) => {
        const row = {
          case: label,
          subject: "sunflare bus",
          value: ours[index] ?? Number.NaN,
          unit: "µs",
          detail: name,
        };
        const baseline = rawRows[index];
        if (baseline === undefined) return;
        // Only the median has a target: the tails are reported for context.
        rows.push(compared(row, baseline, index === 0 ? { max: 1.3 } : undefined));
      });
    }
    return rows;
  },
};
