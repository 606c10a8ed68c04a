import { SunflareError } from "@sunflare/wire";

/**
 * Thrown by operations on a {@link Publisher} or {@link Subscriber} that was
 * closed (or whose `AbortSignal` fired) before the operation could complete:
 * the catalogue's `ClosedError` (code `"closed"`).
 */
export { ClosedError } from "@sunflare/wire";

/**
 * Reported (never thrown) by a {@link Subscriber} for a bundle (several
 * messages a Sunflare publisher sent as one ZeroMQ message) that does not add
 * up: none of its messages can be told apart, so none is delivered. The raw
 * frames are kept, so nothing is lost silently. Messages of any other shape
 * are delivered as they came.
 */
export class MalformedMessageError extends SunflareError {
  /** `"MalformedMessageError"`. */
  override name = "MalformedMessageError";

  /**
   * @param message what was wrong
   * @param topic the first frame as text, if there was one
   * @param frames every frame received
   */
  constructor(
    message: string,
    readonly topic: string | undefined,
    readonly frames: readonly Uint8Array[],
  ) {
    super("malformed", message);
  }
}

/** @internal */
export function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

/** @internal */
export function asError(reason: unknown): Error {
  // Not `instanceof`: errors from the native addon may come from another realm.
  return typeof reason === "object" && reason !== null
    ? (reason as Error)
    : new Error(String(reason));
}
