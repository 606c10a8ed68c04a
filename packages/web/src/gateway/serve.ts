/**
 * `serveWeb`: the gateway that makes browser pages members of a bus. One
 * HTTP server answers the client bundle and static files, and upgrades
 * `/sunflare` to a WebSocket per page after checking its token and Origin.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { resolve } from "node:path";
import type { Duplex } from "node:stream";
import type { Publisher } from "@sunflare/forwarder";
import type { Logger } from "@sunflare/wire";
import { defaultLogger } from "@sunflare/wire";
import { WebSocketServer } from "ws";
import type { WebSocket } from "ws";
import { CloseCode } from "../wire/close-codes.js";
import { encodeFrame, Op } from "../wire/frame.js";
import type { Welcome } from "../wire/frame.js";
import { isLoopback, newToken, ownOrigins, tokenCheck, urlHost } from "./auth.js";
import type { GatewayBus } from "./bus.js";
import { PageRelay } from "./page.js";
import { serveStatic } from "./static.js";
import { SOCKET_PATH } from "../wire/topics.js";

/** Options of {@link serveWeb}. */
export interface WebOptions {
  /**
   * Interface to listen on (default `"127.0.0.1"`). Anything but loopback
   * lets other machines reach the gateway (with the token); it is logged.
   */
  host?: string;
  /** TCP port (default 0: a free one; {@link WebGateway.url} tells which). */
  port?: number;
  /** The token pages must present (default: 32 random bytes, base64url). */
  token?: string;
  /** A folder of static files served from the gateway's origin (a built page). */
  root?: string;
  /** Largest frame a page may send, in bytes (default 64 MiB); a larger one closes its connection (1009). */
  maxMessageSize?: number;
  /** Origins allowed besides the gateway's own, e.g. a development server's `"http://localhost:5173"`. */
  origins?: readonly string[];
  /**
   * Bytes on their way to a page (sent, not yet taken by its code) beyond
   * which the page gets only the newest message per data topic (default 1 MiB).
   */
  window?: number;
  /**
   * Bytes of the bus's own messages (signals, registry) held for a page that
   * does not take them, beyond which it is disconnected with
   * `CloseCode.backlog` (default 16 MiB). They are never dropped.
   */
  maxBacklog?: number;
  /** Where refusals and closings are reported (default: console, warnings and errors). */
  logger?: Logger;
}

/** A running gateway, from {@link serveWeb}. */
export interface WebGateway {
  /** `http://HOST:PORT/?token=TOKEN`: open it in a browser, or hand it to `connectWeb`. */
  readonly url: string;
  /** Pages connected now. */
  readonly clients: number;
  /** Disconnects every page (close code 1001), stops listening, releases its bus sockets. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `bus` to browser pages: `GET /sunflare-web.js` is the client
 * module, `root` (if given) the static files, and each page that connects
 * with the token becomes a member of the bus.
 *
 * @example
 * ```ts
 * const bus = new VirtualBus();
 * const gateway = await serveWeb(bus, { root: "./public" });
 * console.log(gateway.url); // http://127.0.0.1:43127/?token=Qm9…
 * ```
 */
export async function serveWeb(bus: GatewayBus, options: WebOptions = {}): Promise<WebGateway> {
  const logger = options.logger ?? defaultLogger;
  // Opens a host bus to members (pages among them).
  await bus.ready?.();
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? newToken();
  const root = options.root === undefined ? undefined : resolve(options.root);
  const maxMessageSize = options.maxMessageSize ?? 64 * 1024 * 1024;
  // JSON leaves out a host that is undefined: pages of a bus without one wait for none.
  const welcome: Welcome = { protocol: 1, maxMessageSize, host: bus.address?.host };
  const welcomeFrame = encodeFrame(Op.welcome, "", Buffer.from(JSON.stringify(welcome)));
  const window = options.window ?? 1024 * 1024;
  const maxBacklog = options.maxBacklog ?? 16 * 1024 * 1024;
  const server = createServer((request, response) => {
    serveStatic(request, response, root).catch((error: unknown) => {
      logger.error(`@sunflare/web: ${request.url}: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  if (!isLoopback(host)) {
    logger.warn(
      `@sunflare/web: serving on ${host}, not loopback: anyone who can reach port ${port} and has the token can join the bus.`,
    );
  }
  const shownHost = host === "0.0.0.0" || host === "::" ? hostname() : host;
  const origins = new Set([
    ...ownOrigins(shownHost, port),
    ...ownOrigins(host, port),
    ...(options.origins ?? []),
  ]);
  const tokenMatches = tokenCheck(token);
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageSize,
    perMessageDeflate: false,
  });
  const pages = new Set<PageRelay>();
  let publisher: Publisher | undefined;
  let nextPage = 1;

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? "/", "http://gateway");
    const refusal =
      url.pathname !== SOCKET_PATH
        ? ([404, "Not Found"] as const)
        : !tokenMatches(url.searchParams.get("token"))
          ? ([401, "Unauthorized"] as const)
          : request.headers.origin !== undefined && !origins.has(request.headers.origin)
            ? ([403, "Forbidden"] as const)
            : undefined;
    if (refusal) {
      logger.warn(
        `@sunflare/web: refused a connection from ${request.socket.remoteAddress} (Origin ${request.headers.origin ?? "none"}): ${refusal[1]}`,
      );
      socket.end(
        `HTTP/1.1 ${refusal[0]} ${refusal[1]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    sockets.handleUpgrade(request, socket, head, (webSocket: WebSocket) => {
      publisher ??= bus.connectPublisher();
      const label = `page ${nextPage++} (${request.socket.remoteAddress})`;
      const page = new PageRelay(webSocket, bus, publisher, { window, maxBacklog, logger, label });
      pages.add(page);
      webSocket.on("close", () => pages.delete(page));
      webSocket.send(welcomeFrame);
    });
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(shownHost)}:${port}/?token=${encodeURIComponent(token)}`,
    get clients() {
      return pages.size;
    },
    close() {
      return (closing ??= (async () => {
        for (const page of pages) page.close(CloseCode.goingAway, "the gateway is closing");
        pages.clear();
        await closeSockets(sockets);
        publisher?.close();
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
      })());
    },
  };
}

/** Waits for every page to answer the closing handshake, and ends those that do not within a second. */
async function closeSockets(sockets: WebSocketServer): Promise<void> {
  const open = [...sockets.clients].filter((socket) => socket.readyState !== socket.CLOSED);
  const timer = setTimeout(() => open.forEach((socket) => socket.terminate()), 1000).unref();
  await Promise.all(open.map((socket) => new Promise((done) => socket.once("close", done))));
  clearTimeout(timer);
  await new Promise<void>((done) => sockets.close(() => done()));
}
