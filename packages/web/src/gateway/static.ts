/**
 * The gateway's HTTP side: `GET /sunflare-web.js` (the client bundle), the
 * files under `root`, and a small default page when there is no `root`.
 *
 * @internal
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { clientBundle } from "./client-bundle.js";
import { defaultPage } from "./default-page.js";

/** The bundle's path on the gateway. */
export const BUNDLE_PATH = "/sunflare-web.js";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

/** Answers one HTTP request; `root` is an absolute folder or undefined. */
export async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  root: string | undefined,
): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return end(response, 405, "Method Not Allowed", { Allow: "GET, HEAD" });
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url ?? "/", "http://gateway").pathname);
  } catch {
    return end(response, 400, "Bad Request");
  }
  if (path === BUNDLE_PATH) return send(response, request, types[".js"]!, await clientBundle());
  if (root === undefined) {
    if (path !== "/" && path !== "/index.html") return end(response, 404, "Not Found");
    return send(response, request, types[".html"]!, Buffer.from(defaultPage));
  }
  let file = resolve(join(root, path));
  // A path with "..", or a symlink-free escape attempt, stays inside root or is refused.
  if (file !== root && !file.startsWith(root + sep)) return end(response, 403, "Forbidden");
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, "index.html");
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) return end(response, 404, "Not Found");
  const type = types[extname(file).toLowerCase()] ?? "application/octet-stream";
  writeOkHead(response, type, info.size);
  if (request.method === "HEAD") return void response.end();
  createReadStream(file)
    .on("error", () => response.destroy())
    .pipe(response);
}

function writeOkHead(response: ServerResponse, type: string, length: number): void {
  response.writeHead(200, {
    "Content-Type": type,
    "Content-Length": length,
    "Cache-Control": "no-cache",
  });
}

function send(
  response: ServerResponse,
  request: IncomingMessage,
  type: string,
  body: Uint8Array,
): void {
  writeOkHead(response, type, body.byteLength);
  response.end(request.method === "HEAD" ? undefined : body);
}

function end(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
  response.end(`${text}\n`);
}
