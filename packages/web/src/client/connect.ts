/** `connectWeb`: a page joins a bus through a gateway. Browser-safe. */
import { Codec } from "@sunflare/codec";
import type { Logger } from "@sunflare/wire";
import { BusMember, SignalRegistry } from "@sunflare/signal";
import { WebBus } from "./bus.js";
import { WebConnection } from "./connection.js";
import { WebLink } from "./link.js";
import { SOCKET_PATH } from "../wire/topics.js";

/** Options of {@link connectWeb}. */
export interface ConnectWebOptions {
  /** Where the page's registry and member report (default: console, warnings and errors). */
  logger?: Logger;
  /** Milliseconds between the page member's heartbeats (default 1000; the bus's members must agree). */
  heartbeatMs?: number;
}

/**
 * Joins the bus of the gateway at `url`: the gateway's `url` (`http://…/?token=…`),
 * the page's own address when the gateway served it (`location.href`), or the
 * same with a `ws:`/`wss:` scheme. The token travels in the query.
 *
 * Resolves once the page is a member: the bus's host answered, so the
 * signals registered anywhere on the bus are known. Rejects with a
 * `WebClosedError` when the gateway refuses the page (a wrong token, a
 * foreign origin) or cannot be reached.
 *
 * @example
 * ```ts
 * import { connectWeb } from "/sunflare-web.js";
 * const bus = await connectWeb(location.href);
 * bus.names(); // ["Camera", "Stage", …]
 * ```
 */
export async function connectWeb(
  url: string | URL,
  options: ConnectWebOptions = {},
): Promise<WebBus> {
  const { logger, heartbeatMs } = options;
  const connection = await WebConnection.open(socketUrl(url));
  const codec = new Codec();
  const registry = new SignalRegistry({ logger });
  const link = new WebLink(connection);
  const host = connection.welcome?.host;
  const membership = new BusMember({ registry, link, codec, host, heartbeatMs, logger });
  const bus = new WebBus(connection, codec, registry, membership);
  await membership.start().catch(async (error: unknown) => {
    await bus.close();
    throw error;
  });
  return bus;
}

/** The gateway's WebSocket address for a page or gateway URL. */
export function socketUrl(url: string | URL): string {
  const base = typeof globalThis.location === "object" ? globalThis.location.href : undefined;
  const given = new URL(url, base);
  const scheme = given.protocol === "https:" || given.protocol === "wss:" ? "wss:" : "ws:";
  const token = given.searchParams.get("token");
  if (token === null)
    throw new TypeError(`The gateway URL ${given.href} has no token: use the gateway's url.`);
  return `${scheme}//${given.host}${SOCKET_PATH}?token=${encodeURIComponent(token)}`;
}
