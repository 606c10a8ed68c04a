/**
 * `Property<T>`: a value an owner holds and every member of the bus can
 * read, watch and ask to change.
 */
import { thrownBy } from "./call.js";
import { Signal } from "./signal.js";

/** Options of a {@link Property}. */
export interface PropertyOptions<T> {
  /**
   * Checks a value asked for, in the owner: throwing refuses it (the `set`
   * rejects with a `CallError`, code `"remote"`); a returned value replaces
   * the one asked for.
   */
  validate?: (next: T, current: T) => T | void;
}

/** A brand shared by every copy of this package, so {@link isProperty} works across them. @internal */
const BRAND = Symbol.for("@sunflare/property");

/**
 * A value that belongs to its owner, as a class field next to its signals:
 * `registerSignals(owner)` registers it too. Wherever it is looked up
 * (`bus.properties("Camera").exposure`, in any member), `value` is the
 * owner's current value, `changed` emits every accepted change, and `set`
 * asks the owner, which validates, stores and tells every member.
 *
 * @example
 * ```ts
 * class Camera {
 *   readonly exposure = new Property(10, {
 *     validate: (ms) => { if (ms <= 0) throw new RangeError("exposure must be positive"); },
 *   });
 * }
 * const exposure = bus.properties("Camera").exposure!;
 * exposure.changed.connect((ms) => console.log("exposure", ms));
 * await exposure.set(20); // 20, once the owner accepted it
 * ```
 */
export class Property<T> {
  static {
    Object.defineProperty(Property.prototype, BRAND, { value: true });
  }

  /** Every accepted change, with the new value, on every member. */
  readonly changed = new Signal<[T]>({ name: "changed" });
  #value: T;
  readonly #validate: PropertyOptions<T>["validate"];
  /** Registry names, for errors: set when registered. */
  #owner = "?";
  #name = "?";

  /**
   * @param initial its value until the first `set`
   * @param options see {@link PropertyOptions}
   */
  constructor(initial: T, options: PropertyOptions<T> = {}) {
    this.#value = initial;
    this.#validate = options.validate;
  }

  /** The current value: the owner's, wherever this property stands. */
  get value(): T {
    return this.#value;
  }

  /**
   * Asks the owner to take `value`: it validates (a throwing `validate`
   * refuses, code `"remote"`), stores and emits `changed` everywhere.
   * Resolves with the value accepted.
   */
  set(value: T): Promise<T> {
    return this.request(value);
  }

  /** The owner's handling of a `set`; a stand-in for a property owned elsewhere asks its owner instead. */
  protected request(value: T): Promise<T> {
    let accepted: T;
    try {
      const replaced = this.#validate?.(value, this.#value);
      accepted = replaced === undefined ? value : replaced;
    } catch (error) {
      return Promise.reject(thrownBy(this.#owner, this.#name, error));
    }
    this.assign(accepted);
    return Promise.resolve(accepted);
  }

  /** Stores `value` and emits `changed` (nothing when it is the same value). */
  protected assign(value: T): void {
    if (Object.is(value, this.#value)) return;
    this.#value = value;
    this.changed.emit(value);
  }

  /** @internal the registry's names for it, for errors */
  named(owner: string, name: string): void {
    this.#owner = owner;
    this.#name = name;
  }
}

/** A property of any value: what a look-up by name returns. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the untyped look-up must accept every property
export type AnyProperty = Property<any>;

/**
 * Whether `value` is a {@link Property}, including one made by another
 * installed copy of this package.
 */
export function isProperty(value: unknown): value is AnyProperty {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}
