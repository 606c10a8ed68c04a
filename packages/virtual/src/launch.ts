import { EventEmitter } from "eventemitter3";
import type { Logger } from "@sunflare/signal";
import { defaultLogger } from "@sunflare/signal";
import { isInprocAddress } from "@sunflare/wire";
import type { VirtualBus, WiringEntry } from "./bus.js";
import { connectAll, LocalPlugin, registerAll, settled, stopAll } from "./phases.js";
import type { Participant } from "./phases.js";
import { PlacedMember, describe, type Ended, type PlacedMemberSettings } from "./placed-member.js";
import { isPlacement } from "./placement.js";

/** How a placed member's thread or process ended, as {@link Session} reports it. */
export interface MemberExit extends Ended {
  /** The placement's name (see `PlacementOptions.name`). */
  readonly name: string;
  /** The module's `file:` URL. */
  readonly module: string;
  /** Its id on the bus (`undefined` if it ended before joining). */
  readonly member: string | undefined;
  /** `true` when it ended because the session shut it down; `false` for a crash. */
  readonly expected: boolean;
}

/** Events of a {@link Session}. */
export interface SessionEvents {
  /** A placed member's thread or process ended. */
  exit: [exit: MemberExit];
}

/** A connection listed by {@link Session.wiring}: where its slot lives, too. */
export interface SessionWiringEntry extends WiringEntry {
  /** The placement's name of the slot's member, or `"host"` for the host's plugins. */
  readonly member: string;
}

/** A running set of plugins on a bus, as returned by {@link launch}. */
export interface Session
  extends AsyncDisposable, Pick<EventEmitter<SessionEvents>, "on" | "once" | "off"> {
  /** The bus the plugins share. */
  readonly bus: VirtualBus;
  /** The plugins and placements, in launch order. */
  readonly plugins: readonly object[];
  /** Every connection made through the bus by the host and each live placed member. */
  wiring(): Promise<SessionWiringEntry[]>;
  /**
   * Shuts every plugin with a `shutdown` method and every placed member down,
   * in reverse launch order, then the bus. A member's thread or process is
   * waited for (see {@link LaunchOptions.exitTimeoutMs}).
   * A failure does not stop the others: all are shut down, then the returned
   * promise rejects with an `AggregateError` of the failures. Idempotent.
   */
  shutdown(): Promise<void>;
}

/** Options of {@link launch}. */
export interface LaunchOptions {
  /** Receives crashes, shutdown failures and pending connections (default: console, warnings and errors). */
  logger?: Logger;
  /**
   * Milliseconds each step of a placed member may take: starting, each
   * phase, and the wait for its connections to be live (default 30,000).
   */
  timeoutMs?: number;
  /**
   * Milliseconds the plugins of a placed member have to shut down; then it
   * closes its bus and exits anyway, and one whose thread is blocked is
   * ended two seconds later (default 5,000).
   */
  exitTimeoutMs?: number;
}

/**
 * Starts plugins on `bus` in two phases, so wiring never depends on
 * construction order: `registrationPhase()` of every plugin (each registers
 * its signals), then `connectionPhase()` of every plugin (each connects to
 * the others' signals). Plugins without a phase method skip it.
 *
 * Placements ({@link inWorker}, {@link inProcess}) start first, each joining
 * the bus and building its plugins; their phases run in their turn, so a
 * plugin anywhere may connect to any other's signal in its connection phase.
 * `launch` resolves once every connection made in a connection phase is live;
 * it logs one warning naming the connections still pending.
 *
 * If a placement fails to start or a phase throws, what started is shut
 * down (reverse order) with the bus, and `launch` rejects with that error
 * (a placement's names its module).
 *
 * @example
 * ```ts
 * const bus = new VirtualBus();
 * const session = await launch(bus, [
 *   new Camera(bus),
 *   inWorker(new URL("./viewer.js", import.meta.url), { data: { fps: 30 } }),
 * ]);
 * session.on("exit", ({ name, code, expected }) => expected || console.error(name, code));
 * // ...
 * await session.shutdown(); // the viewer's worker, Camera, then the bus
 * ```
 */
export async function launch(
  bus: VirtualBus,
  plugins: readonly object[],
  options: LaunchOptions = {},
): Promise<Session> {
  const session = new PluginSession(bus, [...plugins], options);
  await session.start().catch(async (error: unknown) => {
    await session.shutdown().catch(() => undefined);
    throw error;
  });
  return session;
}

/** @internal */
class PluginSession extends EventEmitter<SessionEvents> implements Session {
  readonly #settings: PlacedMemberSettings;
  /** One per entry of {@link plugins}, in launch order: every phase goes through these. */
  readonly #participants: readonly Participant[];
  readonly #members: PlacedMember[] = [];
  #shutdown: Promise<void> | undefined;
  /** Until then, a member that ends makes `launch` reject, which is its report. */
  #launched = false;

  constructor(
    readonly bus: VirtualBus,
    readonly plugins: readonly object[],
    options: LaunchOptions,
  ) {
    super();
    const settings = (this.#settings = {
      timeoutMs: options.timeoutMs ?? 30_000,
      exitTimeoutMs: options.exitTimeoutMs ?? 5_000,
      logger: options.logger ?? defaultLogger,
    });
    this.#participants = plugins.map((plugin) => {
      if (!isPlacement(plugin)) return new LocalPlugin(bus, plugin, settings.timeoutMs);
      const member = new PlacedMember(plugin, settings);
      this.#members.push(member);
      void member.ended.then((ended) => this.#onEnded(member, ended));
      return member;
    });
  }

  async start(): Promise<void> {
    await this.#startMembers();
    const everyOwner = await registerAll(this.bus, this.#participants);
    await connectAll(this.#participants, everyOwner);
    // Within one thread, connections are live as they are made, and one left
    // pending waits on purpose (for a web page, say): nothing to settle.
    if (this.#members.length > 0) this.#warnPending(await this.#gather("settle"));
    this.#launched = true;
  }

  wiring(): Promise<SessionWiringEntry[]> {
    return this.#gather("wiring");
  }

  shutdown(): Promise<void> {
    return (this.#shutdown ??= this.#close());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** Starts every placed member, concurrently; rejects with the first failure once all are settled. */
  async #startMembers(): Promise<void> {
    const placements = this.#members.map((member) => member.placement);
    if (placements.length === 0) return;
    if (new Set(placements).size < placements.length) {
      throw new TypeError(
        "launch: a placement is listed twice; make one inWorker/inProcess per member.",
      );
    }
    await this.bus.ready();
    const worker = this.bus.address;
    // A child process needs ipc or tcp, so an inproc host adds ipc.
    const child =
      isInprocAddress(worker.publishAddress) && placements.some((p) => p.kind === "process")
        ? { ...worker, ...(await this.bus.forwarder.addTransport("ipc")) }
        : worker;
    const { heartbeatMs, missedHeartbeats } = this.bus.membership;
    const starts = await Promise.allSettled(
      this.#members.map((member) => {
        const address = member.placement.kind === "worker" ? worker : child;
        return member.start({ address, heartbeatMs, missedHeartbeats });
      }),
    );
    const failed = starts.find((start) => start.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }

  #warnPending(wiring: readonly SessionWiringEntry[]): void {
    const pending = wiring.filter((entry) => entry.state === "pending");
    if (pending.length === 0) return;
    const list = pending
      .map((entry) => `${entry.owner}.${entry.signal} → ${entry.member}: ${entry.slot}`)
      .join("; ");
    this.#settings.logger.warn(
      `${pending.length} connection(s) still pending after the connection phase (is a name misspelt, or its owner not launched?): ${list}.`,
    );
  }

  #onEnded(member: PlacedMember, ended: Ended): void {
    const expected = this.#shutdown !== undefined;
    if (!expected && this.#launched) {
      this.#settings.logger.error(
        `${member.label} ended (${describe(ended)}); its plugins are gone, the rest keeps running.`,
      );
      if (member.id !== undefined) this.bus.membership.forget(member.id);
    }
    const { name, module } = member.placement;
    this.emit("exit", { name, module, member: member.id, ...ended, expected });
  }

  /** The host's wiring, then each placed member's (`settle`: once its connections are live). */
  async #gather(step: "settle" | "wiring"): Promise<SessionWiringEntry[]> {
    const host =
      step === "settle" ? await settled(this.bus, this.#settings.timeoutMs) : this.bus.wiring();
    const entries = host.map((entry) => ({ ...entry, member: "host" }));
    for (const member of this.#members) {
      for (const entry of await member[step]())
        entries.push({ ...entry, member: member.placement.name });
    }
    return entries;
  }

  async #close(): Promise<void> {
    const failures = await stopAll(this.#participants, ({ label }, error) =>
      this.#settings.logger.error(`${label} failed to shut down.`, error),
    );
    await this.bus.shutdown().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} shutdown step(s) failed; everything else was shut down.`,
      );
    }
  }
}
