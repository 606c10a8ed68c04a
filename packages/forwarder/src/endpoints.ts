import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Transports a {@link Forwarder} can bind. */
export type Transport = "inproc" | "ipc" | "tcp";

/** The two addresses of a running forwarder. */
export interface ForwarderAddresses {
  /** Where publishers connect (the forwarder's XSUB side). */
  readonly publishAddress: string;
  /** Where subscribers connect (the forwarder's XPUB side). */
  readonly subscribeAddress: string;
}

/** @internal */
export interface BindPlan {
  publish: string;
  subscribe: string;
  /** ipc socket files to remove after stopping. */
  files: string[];
}

const ALL_INTERFACES = new Set(["0.0.0.0", "*", "::", "[::]"]);

/** @internal */
export function bindsAllInterfaces(host: string): boolean {
  return ALL_INTERFACES.has(host);
}

/**
 * Endpoints to bind: unique per forwarder for inproc and ipc, so two
 * forwarders (two buses) in one process never meet.
 *
 * @internal
 */
export function planEndpoints(
  transport: Transport,
  host: string,
  publishPort: number,
  subscribePort: number,
): BindPlan {
  const id = randomUUID();
  switch (transport) {
    case "inproc":
      return {
        publish: `inproc://sunflare-${id}-publish`,
        subscribe: `inproc://sunflare-${id}-subscribe`,
        files: [],
      };
    case "ipc": {
      // Socket paths are limited to ~107 bytes, so keep them short.
      const base = join(tmpdir(), `sunflare-${id.slice(0, 18)}`);
      return {
        publish: `ipc://${base}-pub`,
        subscribe: `ipc://${base}-sub`,
        files: [`${base}-pub`, `${base}-sub`],
      };
    }
    case "tcp": {
      const bindHost = host === "::" ? "[::]" : host;
      return {
        publish: `tcp://${bindHost}:${portOrAny(publishPort)}`,
        subscribe: `tcp://${bindHost}:${portOrAny(subscribePort)}`,
        files: [],
      };
    }
    default:
      throw new TypeError(`Unknown transport ${String(transport)}: use "inproc", "ipc" or "tcp".`);
  }
}

function portOrAny(port: number): string {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Invalid port ${port}: use an integer in 0..65535 (0 picks a free port).`);
  }
  return port === 0 ? "*" : String(port);
}

/** @internal */
export function removeFiles(files: readonly string[]): void {
  for (const file of files) rmSync(file, { force: true });
}
