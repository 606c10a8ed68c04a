import type { BenchCase, BenchRow } from "../case.js";
import { loadBus } from "../bus/load.js";
import { busSubject } from "../bus/subject.js";
import { pythonBaseline } from "../python.js";
import { rawSubject } from "../raw/subject.js";
import type { StreamResult } from "../stream.js";
import { alternatingRounds, cpuDetail, summarize } from "../stream.js";
import { compared } from "../util/compare.js";
import { smallBusValue, smallJsonPayload } from "../util/small-message.js";
import { settingsOf } from "./settings.js";

const label = "1 small messages";
const topic = "bench/small";

/**
 * Case 1: `{ seq, t }` values, publisher -> forwarder -> subscriber over
 * inproc, encode and decode included, against raw zeromq.js sending JSON on
 * the same proxy shape and against the Python original.
 */
export const smallMessages: BenchCase = {
  name: "small",
  async run(context) {
    const settings = settingsOf("small", context.quick);
    const bus = await loadBus();
    if (typeof bus === "string") context.note(bus);
    const { raw, ours } = await alternatingRounds(
      () => rawSubject({ topic, noDrop: true, payload: smallJsonPayload }),
      typeof bus === "string"
        ? []
        : [
            () => busSubject(bus, { topic, ...smallBusValue }),
            () => busSubject(bus, { topic, ...smallBusValue, bundle: false }),
            () => busSubject(bus, { topic, ...smallBusValue, offThread: true }),
          ],
      settings,
      (round) => context.log(`${label}: round ${round + 1}/${settings.rounds}`),
    );

    const rawResult = summarize(`${label} raw`, raw, context.note);
    const rawRow: BenchRow = {
      case: label,
      subject: "raw zeromq.js (JSON)",
      value: rawResult.rate,
      unit: "msg/s",
      detail: cpuDetail(rawResult.cpuPerMessage),
    };
    const rows: BenchRow[] = [rawRow];

    const python = await pythonBaseline(context.quick);
    let pythonRow: BenchRow | undefined;
    if (typeof python === "string") {
      context.note(python);
    } else {
      pythonRow = {
        case: label,
        subject: "python original",
        value: python.small.rate,
        unit: "msg/s",
        detail: cpuDetail(python.small.cpuPerMessage),
      };
      rows.push(pythonRow);
    }

    const [bundled, unbundled, offThread] = ours;
    if (bundled !== undefined && unbundled !== undefined && offThread !== undefined) {
      const row = (subject: string, results: StreamResult[]): BenchRow => {
        const result = summarize(`${label} ${subject}`, results, context.note);
        return {
          case: label,
          subject,
          value: result.rate,
          unit: "msg/s",
          detail: cpuDetail(result.cpuPerMessage),
        };
      };
      // The default bus: over inproc the publisher sends what an async loop
      // hands it in one tick as bundles. Beside it, one ZeroMQ message per
      // send (as over ipc and tcp, and as the baselines send), and a
      // subscriber that receives in a worker thread.
      const bundledRow = row("sunflare bus", bundled);
      const unbundledRow = row("sunflare bus, bundle: false", unbundled);
      const offThreadRow = row("sunflare bus, offThread subscriber", offThread);
      rows.push(
        compared(bundledRow, rawRow, { min: 1 }),
        compared(unbundledRow, rawRow, { min: 1 }),
        compared(offThreadRow, rawRow),
      );
      if (pythonRow !== undefined) {
        rows.push(
          compared(bundledRow, pythonRow, { min: 3 }),
          compared(unbundledRow, pythonRow),
          compared(offThreadRow, pythonRow),
        );
      }
    }
    return rows;
  },
};
