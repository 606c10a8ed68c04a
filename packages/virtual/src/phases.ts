// The phases of a launch, run alike by the host on the entries of `launch`
// and by every placed member on its own plugins: each entry is a
// `Participant`, a plugin here (`LocalPlugin`) or a placed member
// (`PlacedMember`, which asks its member to run its `LocalPlugin`s).
import { TimeoutError } from "@sunflare/wire";
import type { SignalRegistry } from "@sunflare/signal";
import type { VirtualBus, WiringEntry } from "./bus.js";
import { hasConnectionPhase, hasRegistrationPhase, hasShutdown } from "./plugin.js";

/** One entry of a launch, as its phases see it. */
export interface Participant {
  /** How errors and logs name it. */
  readonly label: string;
  /**
   * Runs its registration phase(s); resolves with the owners it registered
   * in a member of its own (none for a plugin here), whose registrations
   * reach the others as messages.
   */
  register(): Promise<readonly string[]>;
  /** Waits until every owner in `everyOwner` is known where it runs, then runs its connection phase(s). */
  connect(everyOwner: readonly string[]): Promise<void>;
  /** Shuts its plugin(s) down: a placed member's thread or process ends too. */
  stop(): Promise<void>;
}

/** A plugin object in this thread, as a {@link Participant}: its optional phase methods on `bus`. */
export class LocalPlugin implements Participant {
  /** The plugin's class name. */
  readonly label: string;

  constructor(
    private readonly bus: VirtualBus,
    private readonly plugin: object,
    /** Milliseconds its connection phase may wait for registrations made elsewhere. */
    private readonly timeoutMs: number,
  ) {
    this.label = String(plugin.constructor?.name ?? "plugin");
  }

  /** Runs its `registrationPhase`, if it has one; what it registers is its bus's own. */
  async register(): Promise<readonly string[]> {
    if (hasRegistrationPhase(this.plugin)) await this.plugin.registrationPhase();
    return [];
  }

  /** Waits for `everyOwner` to be registered on its bus, then runs its `connectionPhase`, if any. */
  async connect(everyOwner: readonly string[]): Promise<void> {
    await whenRegistered(this.bus.registry, everyOwner, this.timeoutMs);
    if (hasConnectionPhase(this.plugin)) await this.plugin.connectionPhase();
  }

  /** Runs its `shutdown`, if it has one. */
  async stop(): Promise<void> {
    if (hasShutdown(this.plugin)) await this.plugin.shutdown();
  }
}

/**
 * Runs every participant's registration, in order; resolves with every
 * owner registered, `bus`'s own included (also those registered outside a
 * phase: before `launch`, or by a placed module's factory).
 */
export async function registerAll(
  bus: VirtualBus,
  participants: readonly Participant[],
): Promise<string[]> {
  const owners = new Set<string>();
  for (const participant of participants) {
    for (const owner of await participant.register()) owners.add(owner);
  }
  for (const owner of bus.members()[0]?.owners ?? []) owners.add(owner);
  return [...owners];
}

/** Runs every participant's connection, in order, once `everyOwner` reached it. */
export async function connectAll(
  participants: readonly Participant[],
  everyOwner: readonly string[],
): Promise<void> {
  for (const participant of participants) await participant.connect(everyOwner);
}

/**
 * Stops every participant in reverse order; a failure does not stop the
 * others. Returns the failures, after `report` saw each.
 */
export async function stopAll(
  participants: readonly Participant[],
  report: (participant: Participant, error: unknown) => void,
): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const participant of [...participants].reverse()) {
    await participant.stop().catch((error: unknown) => {
      report(participant, error);
      failures.push(error);
    });
  }
  return failures;
}

/** `bus`'s wiring once every connection it made is live, or after `timeoutMs` (the rest stays pending). */
export async function settled(bus: VirtualBus, timeoutMs: number): Promise<WiringEntry[]> {
  await withDeadline(bus.registry.whenLive(), timeoutMs, () => undefined);
  return bus.wiring();
}

/**
 * Resolves once `registry` knows every name in `owners` (registrations
 * elsewhere arrive as messages); rejects after `timeoutMs` naming the missing.
 */
async function whenRegistered(
  registry: SignalRegistry,
  owners: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const missing = () => owners.filter((owner) => !registry.has(owner));
  if (missing().length === 0) return;
  let check = (): void => undefined;
  const arrived = new Promise<void>((resolve) => {
    check = () => {
      if (missing().length === 0) resolve();
    };
    registry.on("registered", check);
  });
  try {
    await withDeadline(arrived, timeoutMs, () => {
      throw new TimeoutError(
        `Registrations of ${missing().join(", ")} did not arrive in ${timeoutMs} ms.`,
      );
    });
  } finally {
    registry.off("registered", check);
  }
}

/** `work`'s result, or `late()`'s (what it throws) once `ms` passed first. */
export async function withDeadline<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))).then(late);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
