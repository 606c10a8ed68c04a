// The steps of a launch that the host and every placed member run alike on
// their own plugins.
import type { SignalRegistry } from "@sunflare/signal";
import { isPlacement } from "./placement.js";
import { hasConnectionPhase, hasRegistrationPhase, hasShutdown } from "./plugin.js";

/** Runs every plugin's `registrationPhase`, in order. */
export async function registerAll(plugins: readonly object[]): Promise<void> {
  for (const plugin of plugins) if (hasRegistrationPhase(plugin)) await plugin.registrationPhase();
}

/** Runs every plugin's `connectionPhase`, in order. */
export async function connectAll(plugins: readonly object[]): Promise<void> {
  for (const plugin of plugins) if (hasConnectionPhase(plugin)) await plugin.connectionPhase();
}

/**
 * Shuts every plugin down in reverse order (`stop`, by default its `shutdown`
 * method); a failure does not stop the others. Returns the failures, after
 * `report` saw each.
 */
export async function shutdownAll(
  plugins: readonly object[],
  report: (plugin: object, error: unknown) => void,
  stop: (plugin: object) => unknown = (plugin) => hasShutdown(plugin) && plugin.shutdown(),
): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const plugin of [...plugins].reverse()) {
    try {
      await stop(plugin);
    } catch (error) {
      report(plugin, error);
      failures.push(error);
    }
  }
  return failures;
}

/** The name a plugin (or a placement) goes by in reports. */
export function pluginName(plugin: object): string {
  return isPlacement(plugin) ? plugin.label : String(plugin.constructor?.name ?? "plugin");
}

/**
 * Resolves once `registry` knows every name in `owners` (registrations
 * elsewhere arrive as messages); rejects after `timeoutMs` naming the missing.
 */
export function whenRegistered(
  registry: SignalRegistry,
  owners: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const missing = () => owners.filter((owner) => !registry.has(owner));
  if (missing().length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (missing().length > 0) return;
      stop();
      resolve();
    };
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(`Registrations of ${missing().join(", ")} did not arrive in ${timeoutMs} ms.`),
      );
    }, timeoutMs);
    const stop = (): void => {
      clearTimeout(timer);
      registry.off("registered", check);
    };
    registry.on("registered", check);
  });
}

/** Resolves once every connected connection of `registry` is live, or after `timeoutMs` (the rest stays pending). */
export function whenLive(registry: SignalRegistry, timeoutMs: number): Promise<void> {
  return withDeadline(registry.whenLive(), timeoutMs, () => undefined);
}

/** `work`'s result, or `late()`'s once `ms` passed first. */
export async function withDeadline<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(late()), ms)));
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
