// The messages between `launch` and a placed member, over the worker's port or
// the child's IPC channel. One request at a time; each gets one reply. The
// plugins' own traffic never takes this path: it goes through the bus.
import type { BusAddress, WiringEntry } from "./bus.js";

/** What a placed member is started with (a worker's `workerData`, a child's first message). */
export interface StartRequest {
  readonly type: "start";
  /** `file:` URL of the module whose default export builds the plugins. */
  readonly module: string;
  readonly name: string;
  readonly data: unknown;
  readonly address: BusAddress;
  readonly heartbeatMs: number | undefined;
  readonly missedHeartbeats: number | undefined;
  /** Milliseconds a phase may wait for registrations and live connections. */
  readonly timeoutMs: number;
  /** Milliseconds the plugins have to shut down before the member leaves anyway. */
  readonly exitTimeoutMs: number;
  /** `file:` URL of tsx's ESM API, when the member must load TypeScript. */
  readonly tsx: string | undefined;
}

/** What the host asks of a started member; `id` comes back with the reply. */
export type ControlRequest = { readonly id: number } & (
  | { readonly type: "registration" }
  | { readonly type: "connection"; readonly owners: readonly string[] }
  | { readonly type: "settle" }
  | { readonly type: "wiring" }
  | { readonly type: "shutdown" }
);

/** What each request returns; `start` returns the member's id. */
export interface ControlResults {
  start: string;
  registration: string[];
  connection: undefined;
  settle: WiringEntry[];
  wiring: WiringEntry[];
  shutdown: undefined;
}

/** An error as it crosses the channel. */
export interface ErrorReport {
  readonly message: string;
  readonly stack: string | undefined;
}

/** A member's answer to request `id` (0: the start). */
export type ControlReply = { readonly type: "reply"; readonly id: number } & (
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: ErrorReport }
);

/** An error a placed member reported, with the member's stack. */
export class MemberError extends Error {
  constructor(report: ErrorReport) {
    super(report.message);
    this.name = "MemberError";
    if (report.stack !== undefined) this.stack = report.stack;
  }
}

/** Turns anything thrown into what crosses the channel. */
export function reportError(error: unknown): ErrorReport {
  return error instanceof Error
    ? { message: error.message, stack: error.stack }
    : { message: String(error), stack: undefined };
}
