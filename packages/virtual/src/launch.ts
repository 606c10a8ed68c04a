import type { Logger } from "@sunflare/signal";
import type { VirtualBus } from "./bus.js";
import { hasConnectionPhase, hasRegistrationPhase, hasShutdown } from "./plugin.js";

/** A running set of plugins on a bus, as returned by {@link launch}. */
export interface Session extends AsyncDisposable {
  /** The bus the plugins share. */
  readonly bus: VirtualBus;
  /** The plugins, in launch order. */
  readonly plugins: readonly object[];
  /**
   * Shuts every plugin with a `shutdown` method down, in reverse launch
   * order, then the bus. A plugin that fails to shut down does not stop the
   * others: all are shut down, then the returned promise rejects with an
   * `AggregateError` of the failures. Idempotent.
   */
  shutdown(): Promise<void>;
}

/** Options of {@link launch}. */
export interface LaunchOptions {
  /** Where shutdown failures are reported as they happen (default: silent; they reject `shutdown()`). */
  logger?: Logger;
}

function nameOf(plugin: object): string {
  return plugin.constructor?.name ?? "plugin";
}

/**
 * Starts plugins on `bus` in two phases, so wiring never depends on
 * construction order: `registrationPhase()` of every plugin (each registers
 * its signals), then `connectionPhase()` of every plugin (each connects to
 * the others' signals). Plugins without a phase method skip it.
 *
 * If a phase throws, the plugins are shut down (reverse order) with the bus,
 * and `launch` rejects with that error.
 *
 * @example
 * ```ts
 * const bus = new VirtualBus();
 * const session = await launch(bus, [new Emitter(bus), new Receiver(bus)]);
 * // ...
 * await session.shutdown(); // Receiver, Emitter, then the bus
 * ```
 */
export async function launch(
  bus: VirtualBus,
  plugins: readonly object[],
  options: LaunchOptions = {},
): Promise<Session> {
  const session = new PluginSession(bus, [...plugins], options.logger);
  try {
    for (const plugin of plugins)
      if (hasRegistrationPhase(plugin)) await plugin.registrationPhase();
    for (const plugin of plugins) if (hasConnectionPhase(plugin)) await plugin.connectionPhase();
  } catch (error) {
    await session.shutdown().catch(() => undefined);
    throw error;
  }
  return session;
}

/** @internal */
class PluginSession implements Session {
  #shutdown: Promise<void> | undefined;

  constructor(
    readonly bus: VirtualBus,
    readonly plugins: readonly object[],
    private readonly logger: Logger | undefined,
  ) {}

  shutdown(): Promise<void> {
    this.#shutdown ??= this.#close();
    return this.#shutdown;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  async #close(): Promise<void> {
    const failures: unknown[] = [];
    for (const plugin of [...this.plugins].reverse()) {
      if (!hasShutdown(plugin)) continue;
      try {
        await plugin.shutdown();
      } catch (error) {
        this.logger?.error(`${nameOf(plugin)} failed to shut down`, error);
        failures.push(error);
      }
    }
    try {
      await this.bus.shutdown();
    } catch (error) {
      failures.push(error);
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} shutdown step(s) failed; everything else was shut down.`,
      );
    }
  }
}
