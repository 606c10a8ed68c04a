/** Marks a function as a slot; the value holds its options. Shared by every copy of this package. @internal */
const SLOT = Symbol.for("@sunflare/slot");

/**
 * Names the instance a bound slot belongs to. `@sunflare/signal` reads it to
 * disconnect all of a receiver's slots at once.
 *
 * @internal
 */
const RECEIVER = Symbol.for("@sunflare/receiver");

/** Options of {@link slot}. */
export interface SlotOptions {
  /** An internal slot: still a slot, but not meant to be connected from outside its plugin. */
  private?: boolean;
}

/** What is stored under the slot mark. @internal */
interface SlotMark {
  readonly private: boolean;
}

/**
 * Any method of a class whose instances are `This`: what `@slot` can decorate.
 *
 * `any` because `ClassMethodDecoratorContext` constrains its method type this way.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Method<This> = (this: This, ...args: any) => any;

/** A method decorator, as `@slot(options)` returns it. */
export type SlotDecorator = <This, F extends Method<This>>(
  method: F,
  context: ClassMethodDecoratorContext<This, F>,
) => F;

/**
 * Marks a method (or function) as a slot.
 *
 * As a decorator (TC39 standard decorators, no `experimentalDecorators`), it
 * also binds the method to its instance, so `signal.connect(this.onValue)`
 * works without `.bind(this)`; the bound method is still a slot.
 *
 * @example
 * ```ts
 * class Receiver {
 *   @slot onValue(x: number) { console.log(x); }
 *   @slot({ private: true }) onInternal() {}
 * }
 * const onReady = slot(() => console.log("ready"));
 * ```
 */
export function slot<This, F extends Method<This>>(
  method: F,
  context: ClassMethodDecoratorContext<This, F>,
): F;
export function slot(options: SlotOptions): SlotDecorator;
export function slot<F extends (...args: never[]) => unknown>(fn: F, options?: SlotOptions): F;
export function slot(
  target: ((...args: never[]) => unknown) | SlotOptions,
  second?: SlotOptions | ClassMethodDecoratorContext,
): unknown {
  if (isDecoratorContext(second)) return decorate(target as Method<unknown>, second, {});
  if (typeof target !== "function") {
    if (typeof target !== "object" || target === null || second !== undefined) {
      throw new TypeError("slot: expected a function, a method to decorate, or an options object.");
    }
    const options = target;
    return (method: Method<unknown>, context: ClassMethodDecoratorContext) =>
      decorate(method, context, options);
  }
  mark(target, second ?? {});
  return target;
}

/** @internal */
function isDecoratorContext(value: unknown): value is ClassMethodDecoratorContext {
  return (
    typeof value === "object" && value !== null && "kind" in value && "addInitializer" in value
  );
}

/** @internal */
function decorate(
  method: Method<unknown>,
  context: ClassMethodDecoratorContext,
  options: SlotOptions,
): Method<unknown> {
  // Typed as a method context, but at runtime any decorator context can arrive.
  const kind: string = context.kind;
  if (kind !== "method") {
    throw new TypeError(`@slot applies to methods, not to a ${kind}.`);
  }
  mark(method, options);
  // A private (#name) method cannot be replaced per instance; it stays marked, unbound.
  if (!context.private) {
    const name = context.name;
    context.addInitializer(function (this: unknown) {
      const instance = this as Record<string | symbol, unknown>;
      // A subclass override is not this slot: leave it to its own decorator, if any.
      if (instance[name] !== method) return;
      const bound = method.bind(instance);
      mark(bound, options);
      Object.defineProperty(bound, RECEIVER, { value: instance });
      // Non-enumerable, like the prototype method it shadows.
      Object.defineProperty(instance, name, {
        value: bound,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    });
  }
  return method;
}

/** @internal */
function mark(fn: object, options: SlotOptions): void {
  const value: SlotMark = Object.freeze({ private: options.private === true });
  Object.defineProperty(fn, SLOT, { value, configurable: true });
}

/** @internal */
function markOf(fn: unknown): SlotMark | undefined {
  if (typeof fn !== "function") return undefined;
  return (fn as unknown as Record<symbol, SlotMark | undefined>)[SLOT];
}

/** Whether `fn` was marked by {@link slot} (bound slots included). */
export function isSlot(fn: unknown): boolean {
  return markOf(fn) !== undefined;
}

/** Whether `fn` is a slot marked `{ private: true }`. */
export function isPrivateSlot(fn: unknown): boolean {
  return markOf(fn)?.private === true;
}

/**
 * The names of the slot methods of `instance` (its own and inherited, public
 * and private-marked alike), subclass first, each once.
 *
 * @example
 * ```ts
 * slotsOf(new Receiver()); // ["onValue", "onInternal"]
 * ```
 */
export function slotsOf(instance: object): string[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  for (let object: object | null = instance; object !== null && object !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(object)) {
      if (seen.has(name) || name === "constructor") continue;
      seen.add(name);
      const descriptor = Object.getOwnPropertyDescriptor(object, name);
      // Only data properties: reading an accessor could run user code.
      if (descriptor !== undefined && "value" in descriptor && isSlot(descriptor.value))
        names.add(name);
    }
    object = Object.getPrototypeOf(object) as object | null;
  }
  return [...names];
}
