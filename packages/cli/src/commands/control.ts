import { CallError, isSunflareError } from "@sunflare/virtual";
import type { CommandContext } from "../session.js";
import { settle } from "../session.js";
import { CliError } from "../errors.js";
import { toJson } from "../format.js";
import { assertKnown, assertOwner, parseJsonArgs, parseMemberName } from "../names.js";
import { progress } from "../progress.js";

/** Finds `Owner.member` of `kind`, waiting one heartbeat for owners of other members. */
async function locate(
  context: CommandContext,
  name: string,
  kind: "signal" | "slot" | "property",
): Promise<{ owner: string; member: string }> {
  const target = parseMemberName(name, kind);
  if (!context.bus.has(target.owner))
    await settle(context.bus.membership.heartbeatMs, context.stop);
  assertOwner(context.bus, target.owner);
  const info = context.bus.owners().find((owner) => owner.owner === target.owner);
  const known =
    kind === "signal"
      ? (info?.signals ?? [])
      : kind === "slot"
        ? (info?.slots ?? [])
        : Object.keys(info?.properties ?? {});
  assertKnown(target.owner, target.member, kind, known);
  return target;
}

/** `sunflare emit Owner.signal JSON_ARG...`: emits the signal with those arguments. */
export async function emit(
  context: CommandContext,
  name: string,
  args: readonly string[],
): Promise<void> {
  const values = parseJsonArgs(args);
  const { owner, member } = await locate(context, name, "signal");
  context.bus.signals(owner)[member]!.emit(...values);
}

/** Options of `sunflare call`. */
export interface CallCommandOptions {
  /** Milliseconds before the call fails (default 30,000). */
  readonly timeout?: number;
}

/** `sunflare call Owner.slot JSON_ARG...`: prints the result as JSON, progress on stderr. */
export async function call(
  context: CommandContext,
  name: string,
  args: readonly string[],
  options: CallCommandOptions,
): Promise<void> {
  const values = parseJsonArgs(args);
  const { owner, member } = await locate(context, name, "slot");
  const shown = progress(name);
  const pending = context.bus.call(owner, member, values, {
    timeoutMs: options.timeout,
    signal: context.stop,
  });
  pending.progress.connect((value) => shown.update(value));
  try {
    console.log(toJson(await pending));
  } catch (error) {
    throw explainCall(error, name, options.timeout);
  } finally {
    shown.stop();
  }
}

/** `sunflare get Owner.property`: prints its current value as JSON. */
export async function get(context: CommandContext, name: string): Promise<void> {
  const { owner, member } = await locate(context, name, "property");
  console.log(toJson(context.bus.properties(owner)[member]!.value));
}

/** `sunflare set Owner.property JSON_VALUE`: asks the owner; prints the value it accepted. */
export async function set(context: CommandContext, name: string, value: string): Promise<void> {
  const [parsed] = parseJsonArgs([value]);
  const { owner, member } = await locate(context, name, "property");
  try {
    console.log(toJson(await context.bus.properties(owner)[member]!.set(parsed)));
  } catch (error) {
    throw explainCall(error, name);
  }
}

function explainCall(error: unknown, name: string, timeout?: number): unknown {
  if (!(error instanceof CallError) && !isSunflareError(error)) return error;
  const code = (error as CallError).code;
  if (code === "remote") return new CliError(`${name} failed: ${error.message}`);
  if (code === "timeout") {
    return new CliError(
      `${name} did not answer within ${timeout ?? 30_000} ms; try a longer --timeout.`,
    );
  }
  if (code === "aborted") return new CliError(`${name} was cancelled.`, 130);
  if (code === "gone") return new CliError(`${name}: its owner left the bus during the call.`);
  return new CliError(`${name}: ${error.message}`);
}
