import type { MemberInfo, OwnerInfo, WiringEntry } from "@sunflare/virtual";
import pc from "picocolors";
import type { CommandContext } from "../session.js";
import { settle } from "../session.js";
import { toJson } from "../format.js";

/** Options of the listings. */
export interface ListOptions {
  /** One JSON document instead of lines. */
  readonly json?: boolean;
  /** Milliseconds to listen for every member's registry first (default: one heartbeat). */
  readonly settle?: number;
}

/** The other members of the bus: the CLI's own member is not part of it. */
async function others(context: CommandContext, options: ListOptions): Promise<MemberInfo[]> {
  await settle(options.settle ?? context.bus.membership.heartbeatMs, context.stop);
  return context.bus.members().filter((member) => member.member !== context.bus.member);
}

/** `sunflare members`: `MemberInfo[]` with `--json`. */
export async function members(context: CommandContext, options: ListOptions): Promise<void> {
  const list = await others(context, options);
  if (options.json === true) return void console.log(JSON.stringify(list, null, 2));
  for (const info of list) {
    console.log(`${pc.bold(info.member)}\t${info.owners.join(", ") || pc.dim("(no owners)")}`);
  }
}

/** `sunflare signals`: every owner with its signals, slots and properties (current values). */
export async function signals(context: CommandContext, options: ListOptions): Promise<void> {
  await others(context, options);
  const owners: OwnerInfo[] = context.bus.owners();
  if (options.json === true) {
    return void console.log(JSON.stringify(JSON.parse(toJson(owners)), null, 2));
  }
  for (const owner of owners) {
    console.log(`${pc.bold(owner.owner)} ${pc.dim(`(member ${owner.member})`)}`);
    for (const signal of owner.signals) console.log(`  signal    ${signal}`);
    for (const slot of owner.slots) console.log(`  slot      ${slot}()`);
    for (const [name, value] of Object.entries(owner.properties)) {
      console.log(`  property  ${name} = ${toJson(value)}`);
    }
  }
}

/** One row of `sunflare wiring`: a signal and the connections known to reach it. */
export interface WiringRow {
  /** The signal's owner. */
  readonly owner: string;
  /** The signal. */
  readonly signal: string;
  /** The connections made to it that this view knows of. */
  readonly connections: WiringEntry[];
}

/**
 * `sunflare wiring`: every signal and the connections known to reach it;
 * `--unconnected` keeps the signals nobody is known to connect to.
 */
export async function wiring(
  context: CommandContext,
  options: ListOptions & { unconnected?: boolean },
): Promise<void> {
  await others(context, options);
  const known = context.bus.wiring();
  let rows: WiringRow[] = context.bus.owners().flatMap((owner) =>
    owner.signals.map((signal) => ({
      owner: owner.owner,
      signal,
      connections: known.filter((entry) => entry.owner === owner.owner && entry.signal === signal),
    })),
  );
  if (options.unconnected === true) rows = rows.filter((row) => row.connections.length === 0);
  if (options.json === true) return void console.log(JSON.stringify(rows, null, 2));
  for (const row of rows) {
    const ends = row.connections.map((entry) => `${entry.slot} (${entry.state})`);
    console.log(
      `${row.owner}.${row.signal}\t${ends.join(", ") || pc.dim("(no known connection)")}`,
    );
  }
}
