/**
 * Which of the bus's reserved topics (`"\0sunflare/…"`) a page may use.
 * Browser-safe.
 */

/** First characters of every topic the bus keeps for itself. */
export const RESERVED_PREFIX = "\u0000sunflare/";

/**
 * The reserved topics of the member protocol (hello, registry, emissions):
 * a page is a member, so it publishes and subscribes on these. Everything
 * else under {@link RESERVED_PREFIX} (the forwarder's readiness and presence
 * topics, anything added later) stays closed to pages, since a page could
 * otherwise forge another subscriber's readiness.
 */
const MEMBER_PREFIXES = [
  `${RESERVED_PREFIX}hello`,
  `${RESERVED_PREFIX}registry`,
  `${RESERVED_PREFIX}signal/`,
] as const;

/** Whether `topic` is one of the bus's own (its traffic is never conflated nor dropped). */
export function isReserved(topic: string): boolean {
  // "\0" alone, or any prefix of the reserved prefix, would select reserved topics too.
  return topic.startsWith("\u0000");
}

/** Whether a page may publish on, or subscribe to, `topic`. */
export function pageMayUse(topic: string): boolean {
  return !isReserved(topic) || MEMBER_PREFIXES.some((prefix) => topic.startsWith(prefix));
}
