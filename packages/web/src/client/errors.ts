/** Errors of the browser client. Browser-safe. */
import { ClosedError } from "@sunflare/wire";

/**
 * The page's connection to the gateway is closed: by {@link WebBus.close},
 * by the gateway (its `closeCode` says why, see `CloseCode`) or by the
 * network. Operations pending or attempted afterwards reject with it. The
 * catalogue's `ClosedError` (code `"closed"`).
 */
export class WebClosedError extends ClosedError {
  /** `"WebClosedError"`. */
  override name = "WebClosedError";

  constructor(
    /** The WebSocket close code (1006: the connection was lost or refused). */
    readonly closeCode: number,
    /** The reason the gateway gave, if any. */
    readonly reason: string,
  ) {
    super(`The connection to the Sunflare gateway (${closeCode}${reason ? `: ${reason}` : ""})`);
  }
}

/** `run()`'s result as a promise, rejected with what it throws (made an `Error` if it is not one). @internal */
export function attempt<T>(run: () => T): Promise<Awaited<T>> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
