import { callHook } from "./hooks.js";
import type { AnyProperty } from "./property.js";
import { isProperty } from "./property.js";
import type { AnySignal } from "./signal.js";
import { signalsOf } from "./signals-of.js";

/**
 * The key `@sunflare/slot` marks slot functions with (its value says whether
 * the slot is private). That package depends on nothing, so the key, shared
 * by every copy through `Symbol.for`, is named here too.
 */
const SLOT = Symbol.for("@sunflare/slot");

/** What `registerSignals` registers of an owner. @internal */
export interface OwnerParts {
  readonly signals: Map<string, AnySignal>;
  readonly properties: Map<string, AnyProperty>;
  /** Callable slots by name (`undefined`: known by name only, a stand-in's). */
  readonly slots: Map<string, ((...args: unknown[]) => unknown) | undefined>;
}

/**
 * The signals, properties and public `@slot` methods of `owner`, plus the
 * methods named in `slots` (for owners without decorators); `only` narrows
 * them all. `report` hears about names that are none of these.
 *
 * @internal
 */
export function partsOf(
  owner: object,
  options: { only?: readonly string[] | undefined; slots?: readonly string[] | undefined },
  report: (message: string) => void,
): OwnerParts {
  const record = owner as Record<string, unknown>;
  const parts: OwnerParts = { signals: signalsOf(owner), properties: new Map(), slots: new Map() };
  for (const key of Object.keys(owner)) {
    if (isProperty(record[key])) parts.properties.set(key, record[key]);
  }
  for (const name of publicSlots(owner)) parts.slots.set(name, record[name] as () => unknown);
  // A stand-in for another member's owner is called through its hook: its slots are names.
  const remote = callHook in owner;
  for (const name of options.slots ?? []) {
    const method = record[name];
    if (remote) parts.slots.set(name, undefined);
    else if (typeof method === "function") parts.slots.set(name, method as () => unknown);
    else report(`has no method ${name}; not registered as a slot.`);
  }
  if (options.only === undefined) return parts;
  const wanted = new Set(options.only);
  for (const name of wanted) {
    if (!parts.signals.has(name) && !parts.properties.has(name) && !parts.slots.has(name))
      report(`has no signal ${name}; not registered.`);
  }
  for (const map of [parts.signals, parts.properties, parts.slots]) {
    for (const key of [...map.keys()]) if (!wanted.has(key)) map.delete(key);
  }
  return parts;
}

/** The names of the public `@slot` methods of `instance`, its own and inherited. */
function publicSlots(instance: object): string[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  for (let object: object | null = instance; object !== null && object !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(object)) {
      if (seen.has(name) || name === "constructor") continue;
      seen.add(name);
      const descriptor = Object.getOwnPropertyDescriptor(object, name);
      // Only data properties: reading an accessor could run user code.
      const mark: unknown =
        descriptor !== undefined && "value" in descriptor && typeof descriptor.value === "function"
          ? (descriptor.value as Record<symbol, unknown>)[SLOT]
          : undefined;
      if (
        typeof mark === "object" &&
        mark !== null &&
        (mark as { private?: unknown }).private !== true
      )
        names.add(name);
    }
    object = Object.getPrototypeOf(object) as object | null;
  }
  return [...names];
}
