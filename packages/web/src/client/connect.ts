/** `connectWeb`: a page joins a bus through a gateway. Browser-safe. */
import { Codec } from "@sunflare/codec";
import { WebBus } from "./bus.js";
import { WebConnection } from "./connection.js";

/** The WebSocket path of the gateway (see `serveWeb`). */
const SOCKET_PATH = "/sunflare";

/**
 * Joins the bus of the gateway at `url`: the gateway's `url` (`http://…/?token=…`),
 * the page's own address when the gateway served it (`location.href`), or the
 * same with a `ws:`/`wss:` scheme. The token travels in the query.
 *
 * Rejects with a `WebClosedError` when the gateway refuses the page (a wrong
 * token, a foreign origin) or cannot be reached.
 *
 * @example
 * ```ts
 * import { connectWeb } from "/sunflare-web.js";
 * const bus = await connectWeb(location.href);
 * ```
 */
export async function connectWeb(url: string | URL): Promise<WebBus> {
  const connection = await WebConnection.open(socketUrl(url));
  return new WebBus(connection, new Codec());
}

/** The gateway's WebSocket address for a page or gateway URL. */
export function socketUrl(url: string | URL): string {
  const base = typeof globalThis.location === "object" ? globalThis.location.href : undefined;
  const given = new URL(url, base);
  const scheme = given.protocol === "https:" || given.protocol === "wss:" ? "wss:" : "ws:";
  const token = given.searchParams.get("token");
  if (token === null)
    throw new Error(`The gateway URL ${given.href} has no token: use the gateway's url.`);
  return `${scheme}//${given.host}${SOCKET_PATH}?token=${encodeURIComponent(token)}`;
}
