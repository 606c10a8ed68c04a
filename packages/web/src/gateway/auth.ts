/**
 * Who may open a page's WebSocket: the token (compared in constant time) and
 * the `Origin` (the gateway's own, or one explicitly allowed).
 *
 * @internal
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh random token: 32 bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * A check of candidate tokens against `token`. Both sides are hashed first,
 * so the comparison takes the same time whatever the candidate's length.
 */
export function tokenCheck(token: string): (candidate: string | null) => boolean {
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  const expected = digest(token);
  return (candidate) => timingSafeEqual(digest(candidate ?? ""), expected);
}

/** Whether `host` is a loopback address or name. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** How `host` appears in a URL (IPv6 literals in brackets). */
export function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * The origins a page served by the gateway can have: the bound host, plus
 * every loopback spelling when the gateway listens on loopback (a page may
 * be opened as localhost or as 127.0.0.1).
 */
export function ownOrigins(host: string, port: number): string[] {
  const hosts = isLoopback(host) ? [host, "127.0.0.1", "localhost", "::1"] : [host];
  return [...new Set(hosts)].map((name) => `http://${urlHost(name)}:${port}`);
}
