import { CliError } from "./errors.js";
import type { VirtualBus } from "@sunflare/virtual";

/** What `echo`, `hz` and `record` follow: a data topic or a signal. */
export type Source =
  | { readonly kind: "topic"; readonly topic: string }
  | { readonly kind: "signal"; readonly owner: string; readonly member: string };

const SIGNAL_NAME = /^([^/\s]+)\.([A-Za-z_$][\w$]*)$/;

/**
 * Reads `Owner.member` (a signal, slot or property), or says how to write it.
 *
 * @throws CliError when `text` has no dot between two names
 */
export function parseMemberName(text: string, what: string): { owner: string; member: string } {
  const match = SIGNAL_NAME.exec(text);
  if (match === null)
    throw new CliError(`"${text}" is not Owner.${what} (for example Camera.${what}).`);
  return { owner: match[1]!, member: match[2]! };
}

/**
 * A signal when `text` reads `Owner.signal` (no slash), a data topic
 * otherwise; `--topic` forces a topic (for topics with a dot).
 */
export function parseSource(text: string, forceTopic = false): Source {
  const match = forceTopic ? null : SIGNAL_NAME.exec(text);
  return match === null
    ? { kind: "topic", topic: text }
    : { kind: "signal", owner: match[1]!, member: match[2]! };
}

/**
 * Throws unless `owner` is registered on the bus, listing the owners that are.
 *
 * @throws CliError naming the owners that exist
 */
export function assertOwner(bus: VirtualBus, owner: string): void {
  if (bus.has(owner)) return;
  const owners = bus.names();
  throw new CliError(
    owners.length === 0
      ? `No owner "${owner}" on this bus: nothing is registered on it.`
      : `No owner "${owner}" on this bus; owners: ${owners.join(", ")}.`,
  );
}

/**
 * Throws unless `name` is one of `known` (what `owner` has of `kind`), listing them.
 *
 * @throws CliError naming what exists
 */
export function assertKnown(
  owner: string,
  name: string,
  kind: string,
  known: readonly string[],
): void {
  if (known.includes(name)) return;
  throw new CliError(
    known.length === 0
      ? `${owner} has no ${kind}s.`
      : `${owner} has no ${kind} "${name}"; its ${kind}s: ${known.join(", ")}.`,
  );
}

/**
 * Parses each command-line argument as JSON, or says which one is not.
 *
 * @throws CliError for an argument that is not JSON
 */
export function parseJsonArgs(args: readonly string[]): unknown[] {
  return args.map((text, index) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CliError(
        `Argument ${index + 1} (${text}) is not JSON: quote strings for the shell, e.g. '"text"'.`,
      );
    }
  });
}
