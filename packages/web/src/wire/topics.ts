/**
 * Which of the bus's reserved topics (`"\0sunflare/…"`) a page may use, and
 * the gateway's WebSocket path. Browser-safe.
 */
import { MEMBER_PREFIXES, selectsReserved } from "@sunflare/wire";

/** The WebSocket's path on the gateway. */
export const SOCKET_PATH = "/sunflare";

/**
 * Whether a page may publish on, or subscribe to, `topic`. A page is a
 * member, so the member protocol's topics (hello, registry, emissions) are
 * open to it; everything else reserved (the forwarder's readiness and
 * presence topics, anything added later) stays closed, since a page could
 * otherwise forge another subscriber's readiness.
 */
export function pageMayUse(topic: string): boolean {
  return !selectsReserved(topic) || MEMBER_PREFIXES.some((prefix) => topic.startsWith(prefix));
}
