import type * as Codec from "@sunflare/codec";
import type * as ForwarderPackage from "@sunflare/forwarder";
import type * as Signal from "@sunflare/signal";
import type * as Virtual from "@sunflare/virtual";

/** The bus packages, imported on demand so that cases not using zeromq never load it. */
export interface BusPackages {
  readonly codec: typeof Codec;
  readonly forwarder: typeof ForwarderPackage;
}

/**
 * Loads `@sunflare/forwarder` and `@sunflare/codec`, or returns why not (the
 * reason becomes a note and the bus rows are left out, the baselines still run).
 */
export async function loadBus(): Promise<BusPackages | string> {
  const [codec, forwarder] = await Promise.all([
    import("@sunflare/codec"),
    import("@sunflare/forwarder"),
  ]);
  const missing = [
    ...(["encode", "decode", "ndarray", "asNDArray"] as const).filter(
      (name) => typeof (codec as Partial<typeof Codec>)[name] !== "function",
    ),
    ...(["Forwarder", "Publisher", "Subscriber"] as const).filter(
      (name) => typeof (forwarder as Partial<typeof ForwarderPackage>)[name] !== "function",
    ),
  ];
  if (missing.length > 0) return `bus rows skipped: not exported yet: ${missing.join(", ")}`;
  return { codec, forwarder };
}

/** Loads `@sunflare/signal`, or returns why not. */
export async function loadSignal(): Promise<typeof Signal | string> {
  const signal = await import("@sunflare/signal");
  if (typeof (signal as Partial<typeof Signal>).Signal !== "function") {
    return "Signal rows skipped: @sunflare/signal does not export Signal yet";
  }
  return signal;
}

/** Loads `@sunflare/virtual`, or returns why not. */
export async function loadVirtual(): Promise<typeof Virtual | string> {
  const virtual = await import("@sunflare/virtual");
  if (typeof (virtual as Partial<typeof Virtual>).VirtualBus !== "function") {
    return "VirtualBus rows skipped: @sunflare/virtual does not export VirtualBus yet";
  }
  return virtual;
}
