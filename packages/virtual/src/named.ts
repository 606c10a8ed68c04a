import {
  chmodSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { SunflareError } from "@sunflare/wire";
import type { BusAddress } from "./bus.js";

// Named buses: one file per name in a folder only this user can read.

/** What `<runtime>/sunflare/<name>.json` holds: enough for another process of this user to join. */
export interface NamedBus {
  /** The bus's name. */
  readonly name: string;
  /** The host process. A file whose pid is not alive is a dead host's leftover. */
  readonly pid: number;
  /** When the host published it (ISO 8601). */
  readonly started: string;
  /**
   * Where to join. With CURVE it holds the server's public key only: a joiner
   * needs nothing else, and the secret key never leaves the host.
   */
  readonly address: BusAddress;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Whether `value` is a bus name (`scope`, `lab-1`, `cam.2`): letters, digits,
 * `_`, `.` and `-`, at most 64, starting with a letter or digit. An address
 * (`tcp://…`, `ipc://…`) or a path is never a name.
 */
export function isBusName(value: string): boolean {
  return NAME.test(value) && !value.endsWith(".json");
}

/** @internal Throws a TypeError that says what a name looks like. */
export function checkBusName(name: string): void {
  if (typeof name !== "string" || !isBusName(name)) {
    const looksLikeAddress = typeof name === "string" && /:\/\/|[/\\]/.test(name);
    throw new TypeError(
      looksLikeAddress
        ? `"${String(name)}" is an address or a path, not a bus name: pass a BusAddress object ({ publishAddress, subscribeAddress, host }) or a name such as "scope".`
        : `"${String(name)}" is not a bus name: use letters, digits, "_", "." and "-" (at most 64, starting with a letter or digit).`,
    );
  }
}

/**
 * The folder of named buses: `$SUNFLARE_RUNTIME_DIR/sunflare`, else
 * `$XDG_RUNTIME_DIR/sunflare`, else `<tmp>/sunflare-<uid>`. Read at each call,
 * so a test can point it elsewhere.
 */
export function namedBusDirectory(): string {
  const runtime = process.env.SUNFLARE_RUNTIME_DIR ?? process.env.XDG_RUNTIME_DIR;
  if (runtime !== undefined && runtime !== "") return join(runtime, "sunflare");
  return join(tmpdir(), `sunflare-${userId()}`);
}

/** The file a bus named `name` is published in. */
export function namedBusFile(name: string): string {
  checkBusName(name);
  return join(namedBusDirectory(), `${name}.json`);
}

/**
 * The named buses alive on this machine for this user, by name. Leftovers of
 * dead hosts are removed on the way.
 */
export function namedBuses(): NamedBus[] {
  let entries: string[];
  try {
    entries = readdirSync(namedBusDirectory());
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const found: NamedBus[] = [];
  for (const entry of entries.sort()) {
    if (!entry.endsWith(".json")) continue;
    const name = entry.slice(0, -".json".length);
    if (!isBusName(name)) continue;
    const bus = readLive(join(namedBusDirectory(), entry));
    if (bus !== undefined) found.push(bus);
  }
  return found;
}

/**
 * The address of the live bus named `name`.
 *
 * @throws SunflareError (`"unknown"`) when no live bus has that name; the message lists the names that exist
 */
export function resolveBusName(name: string): BusAddress {
  const file = namedBusFile(name);
  const bus = readLive(file);
  if (bus === undefined) {
    const names = namedBuses().map((known) => known.name);
    throw new SunflareError(
      "unknown",
      names.length === 0
        ? `No bus named "${name}" is running (none is, in ${namedBusDirectory()}). Start one with new VirtualBus({ name }).`
        : `No bus named "${name}" is running; running: ${names.join(", ")}.`,
    );
  }
  return bus.address;
}

/**
 * @internal Throws unless `name` is free: no file, or a dead host's leftover
 * (which is removed).
 */
export function assertNameFree(name: string): void {
  const file = namedBusFile(name);
  const live = readLive(file);
  if (live !== undefined) {
    throw new SunflareError(
      "refused",
      `A bus named "${name}" is already running (pid ${live.pid}, ${file}); choose another name or shut it down.`,
    );
  }
}

/**
 * @internal Publishes the bus: writes a temporary file (0600) and links it to
 * its name, which fails if the name was taken meanwhile, so two hosts never
 * both win. Resolves with the function that unpublishes it.
 */
export function publishBusName(name: string, address: BusAddress): () => void {
  const directory = namedBusDirectory();
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // mkdir's mode does not apply to a folder that existed; a shared tmp needs it tight.
  if ((statSync(directory).mode & 0o077) !== 0) chmodSync(directory, 0o700);
  const file = namedBusFile(name);
  const record: NamedBus = { name, pid: process.pid, started: new Date().toISOString(), address };
  const temporary = join(directory, `.${name}.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(temporary, JSON.stringify(record), { mode: 0o600, flag: "wx" });
  try {
    for (;;) {
      try {
        linkSync(temporary, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        assertNameFree(name); // removes a dead host's leftover, or throws
      }
    }
  } finally {
    unlinkSync(temporary);
  }
  return () => {
    // Only our own file: a later host of the same name may have replaced a stale one.
    const current = readRecord(file);
    if (current?.pid === process.pid && current.started === record.started) removeQuietly(file);
  };
}

function readLive(file: string): NamedBus | undefined {
  const record = readRecord(file);
  if (record === undefined) return undefined;
  if (!isAlive(record.pid)) {
    removeQuietly(file);
    return undefined;
  }
  return record;
}

function readRecord(file: string): NamedBus | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    const record = JSON.parse(text) as Partial<NamedBus>;
    if (
      typeof record.pid === "number" &&
      typeof record.name === "string" &&
      typeof record.address?.publishAddress === "string"
    ) {
      return record as NamedBus;
    }
  } catch {
    // A torn or foreign file counts as a leftover below.
  }
  return { name: "", pid: -1, started: "", address: {} as BusAddress };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's (cannot be ours; still not a leftover to delete).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

function userId(): string {
  return String(process.getuid?.() ?? userInfo().username);
}
