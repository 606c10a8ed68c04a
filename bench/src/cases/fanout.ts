import type { BenchCase, BenchRow } from "../case.js";
import { loadBus } from "../bus/load.js";
import { busSubject } from "../bus/subject.js";
import { rawSubject } from "../raw/subject.js";
import { alternatingRounds, cpuDetail, summarize } from "../stream.js";
import { compared } from "../util/compare.js";
import { smallBusValue, smallJsonPayload } from "../util/small-message.js";
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
    for (const receivers of settings.subscribers) {
      context.log(`${label}: ${receivers} subscribers`);
      const { raw, ours } = await alternatingRounds(
        () => rawSubject({ topic, receivers, noDrop: true, payload: smallJsonPayload }),
        typeof bus === "string"
          ? []
          : [() => busSubject(bus, { topic, receivers, ...smallBusValue })],
        settings,
      );
      const rawResult = summarize(`${label} ${receivers} raw`, raw, context.note);
      const rawRow: BenchRow = {
        case: label,
        subject: "raw zeromq.js (JSON)",
        value: rawResult.rate,
        unit: "deliveries/s",
        detail: `${receivers} sub, ${cpuDetail(rawResult.cpuPerMessage)}`,
      };
      rows.push(rawRow);
      const [bus0] = ours;
      if (bus0 === undefined) continue;
      const result = summarize(`${label} ${receivers} bus`, bus0, context.note);
      const row = {
        case: label,
        subject: "sunflare bus",
        value: result.rate,
        unit: "deliveries/s",
        detail: `${receivers} sub, ${cpuDetail(result.cpuPerMessage)}`,
      };
      rows.push(compared(row, rawRow));
    }
    return rows;
  },
};
