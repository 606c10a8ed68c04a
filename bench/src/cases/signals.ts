import { EventEmitter as NodeEventEmitter } from "node:events";

import { EventEmitter as EventEmitter3 } from "eventemitter3";

import type { BenchCase, BenchRow } from "../case.js";
import { loadSignal, loadVirtual } from "../bus/load.js";
import { compared } from "../util/compare.js";
import { median } from "../util/stats.js";
import { collectGarbage, now } from "../util/timing.js";
import { settingsOf } from "./settings.js";

const label = "5 signals emit";

/** Keeps the slots' work observable so the loops cannot be optimised away. */
let sink = 0;

/** Slots that add the numeric payload to the sink, each a distinct function. */
function makeSlots(count: number): ((value: number) => void)[] {
  return Array.from({ length: count }, (_, index) => (value: number) => {
    sink += value + index;
  });
}

/** Emits per second of `loop(emits)`. */
function rate(loop: (emits: number) => void, emits: number): number {
  const start = now();
  loop(emits);
  return emits / ((now() - start) / 1000);
}

/**
 * Case 5: `Signal.emit` with a numeric payload and 1 or 8 connected slots,
 * against eventemitter3 and Node's `EventEmitter` with the same slots.
 */
export const signals: BenchCase = {
  name: "signals",
  async run(context) {
    const settings = settingsOf("signals", context.quick);
    const loaded = await loadSignal();
    if (typeof loaded === "string") context.note(loaded);
    const virtual = await loadVirtual();
    if (typeof virtual === "string") context.note(virtual);
    // A signal registered on a bus with another member that does not listen
    // to it: what every emission pays for the bus (target: nothing).
    const host = typeof virtual === "string" ? undefined : new virtual.VirtualBus();
    await host?.ready();
    const member =
      host === undefined || typeof virtual === "string"
        ? undefined
        : await virtual.VirtualBus.join(host.address);
    const rows: BenchRow[] = [];

    for (const slotCount of [1, 8]) {
      context.log(`${label}: ${slotCount} slot(s)`);
      const slots = makeSlots(slotCount);
      const ee3 = new EventEmitter3();
      const node = new NodeEventEmitter();
      for (const slot of slots) {
        ee3.on("value", slot);
        node.on("value", slot);
      }
      // One loop function per emitter keeps each call site monomorphic, as
      // it is in an application that emits one kind of emitter from one place.
      const loops: Record<string, (emits: number) => void> = {
        eventemitter3: (emits) => {
          for (let i = 0; i < emits; i++) ee3.emit("value", i);
        },
        "node EventEmitter": (emits) => {
          for (let i = 0; i < emits; i++) node.emit("value", i);
        },
      };
      if (typeof loaded !== "string") {
        const signal = new loaded.Signal<[number]>();
        for (const slot of slots) signal.connect(slot);
        loops["sunflare Signal"] = (emits) => {
          for (let i = 0; i < emits; i++) signal.emit(i);
        };
      }
      if (host !== undefined && typeof virtual !== "string") {
        const owner = { sigValue: new virtual.Signal<[number]>() };
        for (const slot of slots) owner.sigValue.connect(slot);
        host.registerSignals(owner, { name: `Bench${slotCount}` });
        loops["registered, no remote listener"] = (emits) => {
          for (let i = 0; i < emits; i++) owner.sigValue.emit(i);
        };
      }

      const rates = new Map<string, number[]>(Object.keys(loops).map((name) => [name, []]));
      const emits = Math.round(settings.emits / slotCount);
      // A discarded first round lets every loop reach optimised code.
      const entries = Object.entries(loops);
      for (let round = 0; round <= settings.rounds; round++) {
        // Each loop starts from a collected heap, and the order rotates, so
        // that no emitter pays for the garbage of the one timed before it.
        for (let turn = 0; turn < entries.length; turn++) {
          const [name, loop] = entries[(round + turn) % entries.length]!;
          collectGarbage();
          const measured = rate(loop, emits);
          if (round > 0) rates.get(name)?.push(measured);
        }
      }
      const row = (subject: string): BenchRow => ({
        case: label,
        subject,
        value: median(rates.get(subject) ?? []),
        unit: "emits/s",
        detail: `${slotCount} slot${slotCount === 1 ? "" : "s"}`,
      });
      const ee3Row = row("eventemitter3");
      const nodeRow = row("node EventEmitter");
      rows.push(ee3Row, nodeRow);
      if (typeof loaded !== "string") {
        const ours = row("sunflare Signal");
        rows.push(compared(ours, ee3Row, { min: 0.7 }), compared(ours, nodeRow, { min: 1 }));
        if (host !== undefined) {
          rows.push(compared(row("registered, no remote listener"), ours, { min: 0.9 }));
        }
      }
    }
    await member?.shutdown();
    await host?.shutdown();
    if (Number.isNaN(sink)) context.note("signals: the slots' sink is NaN");
    return rows;
  },
};
