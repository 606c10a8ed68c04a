import { VirtualBus } from "@sunflare/virtual";
import type { JoinOptions } from "@sunflare/virtual";
import { CliError } from "./errors.js";
import { resolveTarget } from "./target.js";
import type { TargetOptions } from "./target.js";

/** What a command gets: the joined bus and the signal that says stop (Ctrl-C, SIGTERM). */
export interface CommandContext {
  /** The CLI's own member of the bus; shut down when the command ends. */
  readonly bus: VirtualBus;
  /** Aborted on SIGINT or SIGTERM: a command stops what it does and returns. */
  readonly stop: AbortSignal;
}

/** The logger of the CLI's member: its reports go to stderr, warnings only. */
const quietLogger: JoinOptions["logger"] = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.error(message),
  error: (message: string, error?: unknown) => console.error(message, error ?? ""),
};

/**
 * Joins the bus `options` names, runs `work`, and leaves the bus whatever
 * happens: at the end, on an error, on Ctrl-C or SIGTERM. The one home of
 * the CLI's signal handling.
 */
export async function withBus<T>(
  options: TargetOptions,
  work: (context: CommandContext) => Promise<T>,
): Promise<T> {
  const address = resolveTarget(options);
  const stopper = new AbortController();
  const onSignal = (): void => stopper.abort(new CliError("interrupted", 130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let bus: VirtualBus | undefined;
  try {
    try {
      bus = await VirtualBus.join(address, { logger: quietLogger });
    } catch (error) {
      throw new CliError(
        `Cannot join the bus at ${address.publishAddress}: ${(error as Error).message}. Is its host still running? (see: sunflare ls)`,
      );
    }
    return await work({ bus, stop: stopper.signal });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await bus?.shutdown();
  }
}

/**
 * Resolves after `ms`, or at once when `stop` aborts: how long a listing
 * listens for every member's registry (each member sends it once a heartbeat).
 */
export function settle(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    stop.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    }
  });
}
