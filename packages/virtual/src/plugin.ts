/** A plugin that registers its signals on the bus in the first phase of {@link launch}. */
export interface HasRegistration {
  /** Register signals (e.g. `bus.registerSignals(this)`); may be async. */
  registrationPhase(): void | Promise<void>;
}

/** A plugin that looks up other plugins' signals in the second phase of {@link launch}. */
export interface HasConnection {
  /** Connect to signals registered by others (all registrations are done); may be async. */
  connectionPhase(): void | Promise<void>;
}

/** A plugin with resources to release when its session ends. */
export interface HasShutdown {
  /** Release resources (close publishers, stop timers); may be async. */
  shutdown(): void | Promise<void>;
}

/** Whether `value` is an object or a function (`Object(value)` boxes anything else) with method `name`. */
function hasMethod(value: unknown, name: string): boolean {
  return Object(value) === value && typeof (value as Record<string, unknown>)[name] === "function";
}

/** Whether `value` has a {@link HasRegistration.registrationPhase} method. */
export function hasRegistrationPhase(value: unknown): value is HasRegistration {
  return hasMethod(value, "registrationPhase");
}

/** Whether `value` has a {@link HasConnection.connectionPhase} method. */
export function hasConnectionPhase(value: unknown): value is HasConnection {
  return hasMethod(value, "connectionPhase");
}

/** Whether `value` has a {@link HasShutdown.shutdown} method. */
export function hasShutdown(value: unknown): value is HasShutdown {
  return hasMethod(value, "shutdown");
}
