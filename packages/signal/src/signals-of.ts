import type { Signal } from "./signal.js";
import { isSignal } from "./signal.js";

/**
 * The {@link Signal}-valued own fields of `owner`, by field name, in
 * declaration order.
 *
 * @example
 * ```ts
 * class Stage {
 *   sigMoved = new Signal<[number]>();
 *   speed = 3;
 * }
 * [...signalsOf(new Stage()).keys()]; // ["sigMoved"]
 * ```
 */
export function signalsOf(owner: object): Map<string, Signal<unknown[]>> {
  const found = new Map<string, Signal<unknown[]>>();
  for (const key of Object.keys(owner)) {
    const value: unknown = (owner as Record<string, unknown>)[key];
    if (isSignal(value)) found.set(key, value);
  }
  return found;
}
