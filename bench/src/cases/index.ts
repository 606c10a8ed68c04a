import type { BenchCase } from "../case.js";
import { calls } from "./calls.js";
import { fanout } from "./fanout.js";
import { frames } from "./frames.js";
import { latencyCase } from "./latency.js";
import { memory } from "./memory.js";
import { recordCase } from "./record.js";
import { remoteSignals } from "./remote-signals.js";
import { signals } from "./signals.js";
import { smallMessages } from "./small.js";
import { web } from "./web.js";

/** Whether `value` has the shape of a {@link BenchCase}. */
function isBenchCase(value: unknown): value is BenchCase {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as BenchCase).name === "string" &&
    typeof (value as BenchCase).run === "function"
  );
}

/**
 * The codec case lives in its own module, written alongside `@sunflare/codec`;
 * whatever it exports that is a {@link BenchCase} joins the run.
 */
async function codecCases(): Promise<BenchCase[]> {
  const specifier = "./codec.js";
  try {
    const module = (await import(specifier)) as Record<string, unknown>;
    return Object.values(module).filter(isBenchCase);
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return [];
    throw error;
  }
}

/** Every case, in the order they run. */
export async function allCases(): Promise<BenchCase[]> {
  return [
    smallMessages,
    frames,
    latencyCase,
    fanout,
    signals,
    remoteSignals,
    ...(await codecCases()),
    memory,
    web,
    calls,
    recordCase,
  ];
}
