import type { BenchCase, BenchRow } from "../case.js";
import { loadBus } from "../bus/load.js";
import { busSubject } from "../bus/subject.js";
import { rawSubject } from "../raw/subject.js";
import { summarize, throughputRounds } from "../stream.js";
import { compared } from "../util/compare.js";
import { now } from "../util/timing.js";
import { settingsOf } from "./settings.js";

const label = "4 fan-out";
const topic = "bench/fanout";

/**
 * Case 4: one publisher, 1, 4 and 16 subscribers on one topic; aggregate
 * deliveries per second, bus and raw zeromq.js side by side (no target).
 */
export const fanout: BenchCase = {
  name: "fanout",
  async run(context) {
    const settings = settingsOf("fanout", context.quick);
    const bus = await loadBus();
    if (typeof bus === "string") context.note(bus);
    const rows: BenchRow[] = [];
    const run = { count: settings.count, warmup: settings.warmup, rounds: 1 };
    for (const receivers of settings.subscribers) {
      context.log(`${label}: ${receivers} subscribers`);
      const raw = await throughputRounds(
        () =>
          rawSubject({
            topic,
            receivers,
            noDrop: true,
            payload: {
              body: (seq) => Buffer.from(JSON.stringify({ seq, t: now() })),
              read: (body) => {
                const value = JSON.parse(body.toString()) as { seq: number; t: number };
                return [value.seq, value.t];
              },
            },
          }),
        run,
      );
      const rawRow: BenchRow = {
        case: label,
        subject: "raw zeromq.js (JSON)",
        value: summarize(`${label} ${receivers} raw`, raw, context.note).rate,
        unit: "deliveries/s",
        detail: `${receivers} sub`,
      };
      rows.push(rawRow);
      if (typeof bus === "string") continue;
      const ours = await throughputRounds(
        () =>
          busSubject(bus, {
            topic,
            receivers,
            value: (seq) => ({ seq, t: now() }),
            read: (message) => {
              const value = message.value as { seq: number; t: number };
              return [value.seq, value.t];
            },
          }),
        run,
      );
      const row = {
        case: label,
        subject: "sunflare bus",
        value: summarize(`${label} ${receivers} bus`, ours, context.note).rate,
        unit: "deliveries/s",
        detail: `${receivers} sub`,
      };
      rows.push(compared(row, rawRow));
    }
    return rows;
  },
};
