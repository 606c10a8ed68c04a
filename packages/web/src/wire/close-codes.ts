/**
 * Close codes of the page's WebSocket, shared by the gateway and the client.
 * Browser-safe.
 */

/**
 * Why the gateway closed a page's connection: the WebSocket close code (the
 * reason text says the same in words). `tooBig` is the standard 1009; the
 * others are in the range RFC 6455 leaves to applications.
 */
export const CloseCode = {
  /** The gateway is shutting down. */
  goingAway: 1001,
  /** The page sent a message larger than the gateway's `maxMessageSize`. */
  tooBig: 1009,
  /** The page did not take the bus's signal traffic fast enough; signals are never dropped, so it was closed. */
  backlog: 4001,
  /** The page sent a frame the gateway cannot read. */
  malformed: 4002,
  /** The page tried to publish or subscribe on one of the bus's reserved topics. */
  reserved: 4003,
  /** Relaying to the bus failed (the bus was shut down). */
  busError: 4004,
} as const;

/** One of {@link CloseCode}'s values. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];
