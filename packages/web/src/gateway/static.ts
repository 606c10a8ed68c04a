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
  if (path === BUNDLE_PATH) {
    const body = await clientBundle();
    return send(response, request, 200, types[".js"]!, body);
  }
  if (root === undefined) {
    if (path === "/" || path === "/index.html") {
      return send(response, request, 200, types[".html"]!, defaultPage);
    }
    return end(response, 404, "Not Found");
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
  response.writeHead(200, {
    "Content-Type": types[extname(file).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": info.size,
    "Cache-Control": "no-cache",
  });
  if (request.method === "HEAD") return void response.end();
  createReadStream(file)
    .on("error", () => response.destroy())
    .pipe(response);
}

function send(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  type: string,
  body: Uint8Array | string,
): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  response.writeHead(status, {
    "Content-Type": type,
    "Content-Length": bytes.byteLength,
    "Cache-Control": "no-cache",
  });
  response.end(request.method === "HEAD" ? undefined : bytes);
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
