/**
 * The catalogue of errors every Sunflare package throws where a caller must
 * tell one failure from another: each carries a `code`, the same in Node and
 * in a browser page, so `error.code === "timeout"` works wherever it came
 * from (an `instanceof` check fails across two installed copies of a package;
 * a code does not).
 */

/**
 * What went wrong, as {@link SunflareError.code} says it:
 * - `"closed"`: the bus, socket, connection or member was closed (or closed meanwhile);
 * - `"timeout"`: a deadline passed first;
 * - `"refused"`: the other side said no (a wrong token or origin, a second start);
 * - `"not-ready"`: asked too early (an address before the forwarder is bound);
 * - `"malformed"`: input that does not have the protocol's shape;
 * - `"encode"` / `"decode"`: the codec could not write or read a value;
 * - `"unknown"`, `"gone"`, `"aborted"`, `"remote"`: the outcomes of calls between members.
 */
export type ErrorCode =
  | "closed"
  | "timeout"
  | "refused"
  | "not-ready"
  | "malformed"
  | "encode"
  | "decode"
  | "unknown"
  | "gone"
  | "aborted"
  | "remote";

/**
 * The base of the catalogue: an `Error` with a {@link ErrorCode}.
 *
 * @example
 * ```ts
 * try {
 *   await VirtualBus.join(address, { joinTimeoutMs: 2000 });
 * } catch (error) {
 *   if (isSunflareError(error, "timeout")) console.error("no host at that address");
 *   else throw error;
 * }
 * ```
 */
export class SunflareError extends Error {
  /** What went wrong; see {@link ErrorCode}. */
  readonly code: ErrorCode;

  /**
   * @param code what went wrong
   * @param message what happened, and what to do about it
   * @param options `cause`, as for `Error`
   */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /** The class's name (set by each class: bundlers rename classes). */
  override name = "SunflareError";
}

/**
 * An operation on something closed, or closed before it could complete: a
 * publisher, a subscriber, a connection, a bus member, a page's connection.
 */
export class ClosedError extends SunflareError {
  /** @param what the thing that is closed, as the message's subject: `"This publisher"` */
  constructor(what: string, options?: ErrorOptions) {
    super("closed", `${what} is closed`, options);
  }

  /** `"ClosedError"`. */
  override name = "ClosedError";
}

/** A deadline passed before the operation completed. */
export class TimeoutError extends SunflareError {
  /** @param message what did not happen in time, and what to check */
  constructor(message: string, options?: ErrorOptions) {
    super("timeout", message, options);
  }

  /** `"TimeoutError"`. */
  override name = "TimeoutError";
}

/**
 * Whether `error` is one of the catalogue's (from any copy of any Sunflare
 * package), with `code` when given.
 */
export function isSunflareError(error: unknown, code?: ErrorCode): error is SunflareError {
  if (!(error instanceof Error)) return false;
  const found = (error as { code?: unknown }).code;
  return typeof found === "string" && CODES.has(found) && (code === undefined || found === code);
}

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "closed",
  "timeout",
  "refused",
  "not-ready",
  "malformed",
  "encode",
  "decode",
  "unknown",
  "gone",
  "aborted",
  "remote",
]);
