import { readFileSync } from "node:fs";
import type { BusAddress } from "@sunflare/virtual";
import { namedBusDirectory, namedBuses, resolveBusName } from "@sunflare/virtual";
import { CliError } from "./errors.js";

/** How a command picks its bus: `--bus NAME` or `--address FILE`. */
export interface TargetOptions {
  /** A named bus of this user. */
  readonly bus?: string;
  /** A JSON file with a bus address (`bus.address`, or a named bus's file). */
  readonly address?: string;
}

/**
 * The address a command joins: the named bus, the address in the file, or,
 * with neither, the one named bus alive on this machine.
 *
 * @throws CliError saying which buses exist when none or several could be meant
 */
export function resolveTarget(options: TargetOptions): BusAddress {
  if (options.bus !== undefined && options.address !== undefined) {
    throw new CliError("Give --bus NAME or --address FILE, not both.");
  }
  if (options.address !== undefined) return readAddressFile(options.address);
  if (options.bus !== undefined) {
    try {
      return resolveBusName(options.bus);
    } catch (error) {
      throw new CliError(`${(error as Error).message} (see: sunflare ls)`);
    }
  }
  const alive = namedBuses();
  if (alive.length === 1) return alive[0]!.address;
  if (alive.length === 0) {
    throw new CliError(
      `No named bus is running (looked in ${namedBusDirectory()}). Start one with new VirtualBus({ name }), or pass --address FILE.`,
    );
  }
  throw new CliError(
    `Several buses are running (${alive.map((bus) => bus.name).join(", ")}): choose one with --bus NAME.`,
  );
}

function readAddressFile(file: string): BusAddress {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError(
      `Cannot read a bus address from ${file}: ${(error as Error).message}. Write JSON.stringify(bus.address) to it.`,
    );
  }
  // A named bus's own file wraps the address.
  const record = parsed as { address?: unknown } | null;
  const address = (typeof record?.address === "object" ? record.address : parsed) as BusAddress;
  if (typeof address?.publishAddress !== "string" || typeof address.subscribeAddress !== "string") {
    throw new CliError(
      `${file} holds no bus address: expected { publishAddress, subscribeAddress, host }, as JSON.stringify(bus.address) writes.`,
    );
  }
  return address;
}
