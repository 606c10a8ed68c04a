/**
 * Where the forwarder, publishers and subscribers report what they cannot
 * throw: errors in consumers, malformed messages, insecure bindings.
 *
 * Structurally the same as `@sunflare/signal`'s `Logger`, so one logger object
 * (console, pino, ...) serves the whole bus without this package depending on
 * the signal package.
 */
export interface Logger {
  /** Diagnostics. */
  debug(message: string, ...details: unknown[]): void;
  /** Notable events. */
  info(message: string, ...details: unknown[]): void;
  /** Something is likely wrong, but work continues. */
  warn(message: string, ...details: unknown[]): void;
  /** Something failed; work continues with the next item. */
  error(message: string, ...details: unknown[]): void;
}

/**
 * The default logger: warnings and errors to the console, nothing else.
 *
 * @internal
 */
export const defaultLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, ...details) => console.warn(message, ...details),
  error: (message, ...details) => console.error(message, ...details),
};
