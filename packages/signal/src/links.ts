/**
 * Property that marks a function as bound to a receiver object. `@sunflare/slot`
 * sets it on the methods it binds, so {@link disconnectReceiver} finds them
 * without either package depending on the other.
 *
 * @internal
 */
export const RECEIVER = Symbol.for("@sunflare/receiver");

/** One connection of one slot to one signal. @internal */
export interface Link {
  readonly slot: (...args: never[]) => unknown;
  readonly thisArg: unknown;
  readonly once: boolean;
  readonly priority: number;
  /** `Infinity` when the slot takes every argument. */
  readonly maxArgs: number;
  readonly receiver: object | undefined;
  readonly store: LinkStore;
  /** Still connected. */
  active: boolean;
  /** A `once` link has been called (guards against nested emissions). */
  fired: boolean;
}

/** Every link of every live receiver, for {@link disconnectReceiver}. @internal */
const byReceiver = new WeakMap<object, Set<Link>>();

/**
 * The connections of one signal: an immutable, priority-ordered snapshot
 * array, replaced (never mutated) on every change, that the signal walks in
 * a plain loop. Replacing the array is what makes a connect or disconnect
 * during an emission take effect on the next emission only.
 *
 * @internal
 */
export class LinkStore {
  /** Links in call order: higher priority first, connection order among equals. */
  snapshot: readonly Link[] = [];
  /** Links the fast path cannot call plainly (`once`, `maxArgs`). */
  special = 0;
  readonly #onChange: () => void;

  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  get size(): number {
    return this.snapshot.length;
  }

  add(link: Link): void {
    const links = this.snapshot;
    let at = links.length;
    // Stable: a new link goes after every link of the same or higher priority.
    while (at > 0 && links[at - 1]!.priority < link.priority) at--;
    this.snapshot = [...links.slice(0, at), link, ...links.slice(at)];
    if (isSpecial(link)) this.special++;
    if (link.receiver !== undefined) {
      let set = byReceiver.get(link.receiver);
      if (set === undefined) byReceiver.set(link.receiver, (set = new Set()));
      set.add(link);
    }
    this.#onChange();
  }

  remove(link: Link): boolean {
    if (!link.active) return false;
    link.active = false;
    this.snapshot = this.snapshot.filter((other) => other !== link);
    if (isSpecial(link)) this.special--;
    if (link.receiver !== undefined) byReceiver.get(link.receiver)?.delete(link);
    this.#onChange();
    return true;
  }

  /** Removes every link whose slot is `slot` (all of them when omitted). */
  removeSlot(slot?: unknown): boolean {
    let removed = false;
    for (const link of this.snapshot) {
      if (slot === undefined || link.slot === slot) removed = this.remove(link) || removed;
    }
    return removed;
  }

  has(slot: unknown): boolean {
    return this.snapshot.some((link) => link.slot === slot);
  }
}

/** @internal */
function isSpecial(link: Link): boolean {
  return link.once || link.maxArgs !== Infinity;
}

/**
 * The object a slot belongs to: explicit, its `thisArg`, or the instance a
 * `@slot` method was bound to.
 *
 * @internal
 */
export function receiverOf(
  slot: object,
  thisArg: unknown,
  explicit: object | undefined,
): object | undefined {
  if (explicit !== undefined) return explicit;
  if (typeof thisArg === "object" && thisArg !== null) return thisArg;
  if (typeof thisArg === "function") return thisArg;
  const bound = (slot as Record<symbol, unknown>)[RECEIVER];
  return typeof bound === "object" && bound !== null ? bound : undefined;
}

/**
 * Disconnects every slot of `receiver` from every signal, whatever way it was
 * connected: with `thisArg: receiver`, with `receiver: receiver`, or as a
 * `@slot` method bound to it. Call it from a plugin's `shutdown()` so nothing
 * it owns stays connected.
 *
 * @returns how many connections were removed
 * @example
 * ```ts
 * shutdown() {
 *   disconnectReceiver(this);
 * }
 * ```
 */
export function disconnectReceiver(receiver: object): number {
  const links = byReceiver.get(receiver);
  if (links === undefined) return 0;
  let removed = 0;
  for (const link of [...links]) if (link.store.remove(link)) removed++;
  byReceiver.delete(receiver);
  return removed;
}
