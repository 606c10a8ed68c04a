/** Errors of the browser client. Browser-safe. */

/**
 * The page's connection to the gateway is closed: by {@link WebBus.close},
 * by the gateway (its close `code` says why, see `CloseCode`) or by the
 * network. Operations pending or attempted afterwards reject with it.
 */
export class WebClosedError extends Error {
  /** `"WebClosedError"`. */
  override readonly name = "WebClosedError";

  constructor(
    /** The WebSocket close code (1006: the connection was lost or refused). */
    readonly code: number,
    /** The reason the gateway gave, if any. */
    readonly reason: string,
  ) {
    super(
      `The connection to the Sunflare gateway is closed (${code}${reason ? `: ${reason}` : ""}).`,
    );
  }
}

/** A promise rejected with `error` (made an `Error` if it is not one). @internal */
export function rejected(error: unknown): Promise<never> {
  return Promise.reject(error instanceof Error ? error : new Error(String(error)));
}
