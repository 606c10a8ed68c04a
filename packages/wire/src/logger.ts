/**
 * Where every part of the bus reports what it cannot throw. `console` and pino
 * loggers fit as they are; one logger object serves the whole bus.
 *
 * @example
 * ```ts
 * const bus = new VirtualBus({ logger: pino() });
 * ```
 */
export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

/**
 * The default {@link Logger}: warnings and errors go to `console`, debug and
 * info are dropped. Looks `console` up at call time so test spies see it.
 */
export const defaultLogger: Logger = Object.freeze({
  debug(): void {
    // Intentionally quiet: debug chatter is opt-in through a custom logger.
  },
  info(): void {
    // Intentionally quiet, like debug.
  },
  warn(message: string, ...args: unknown[]): void {
    console.warn(message, ...args);
  },
  error(message: string, ...args: unknown[]): void {
    console.error(message, ...args);
  },
});
