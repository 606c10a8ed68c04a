import type { SessionWiringEntry } from "@sunflare/virtual";

/**
 * The wiring graph as text: a heading, then one connection per line, the
 * signal's end (`Owner.signal`) and the slot's (`member: slot`), whether it
 * is live, and whether it crosses members (remote) or stays in one (local).
 *
 * ```
 * 4 connections (signal → where the slot runs: slot), all live:
 *   AcquisitionController.sigAcquisitionRequested → host: start       live  local
 *   Viewer.sigFinished                            → host: onFinished  live  remote
 * ```
 */
export function wiringText(wiring: readonly SessionWiringEntry[]): string {
  const rows = wiring.map((entry) => [
    `${entry.owner}.${entry.signal}`,
    `${entry.member}: ${entry.slot}`,
    entry.state,
    entry.remote ? "remote" : "local",
  ]);
  const width = (column: number) => Math.max(0, ...rows.map((row) => row[column]!.length));
  const lines = rows.map(
    ([signal, slot, state, where]) =>
      `  ${signal!.padEnd(width(0))} → ${slot!.padEnd(width(1))}  ${state!.padEnd(width(2))}  ${where}`,
  );
  const pending = wiring.filter((entry) => entry.state === "pending").length;
  const count = `${wiring.length} connection${wiring.length === 1 ? "" : "s"}`;
  const status = pending === 0 ? "all live" : `${pending} pending`;
  return [`${count} (signal → where the slot runs: slot), ${status}:`, ...lines].join("\n");
}
