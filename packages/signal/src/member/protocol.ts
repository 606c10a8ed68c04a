/**
 * Wire protocol, version 1: the topics and message maps bus members exchange
 * (see docs/wire-protocol.md). Plain `[topic, msgpack body]` messages, so a
 * peer in any language with ZeroMQ and MessagePack can take part.
 */

/** Every topic of the bus's own starts with this; data subscribers of `""` never see them. */
export const RESERVED_PREFIX = "\0sunflare/";
/** Registry of a member: its whole registry, on change, in answer to a hello, and every heartbeat. */
export const REGISTRY_TOPIC = "\0sunflare/registry";
/** Sent by a member that joins; every member answers with its registry. */
export const HELLO_TOPIC = "\0sunflare/hello";
/** Emissions: `<prefix><owner>/<signal>`, body `[arg, ...]`. */
export const SIGNAL_PREFIX = "\0sunflare/signal/";

/** The emission topic of `owner`'s signal `signal`. */
export function emissionTopic(owner: string, signal: string): string {
  return `${SIGNAL_PREFIX}${owner}/${signal}`;
}

/**
 * Owner and signal of an emission topic; `undefined` for anything else.
 * Signal names are field names and hold no `/`; owner names might, so the
 * last `/` separates them.
 */
export function parseEmissionTopic(topic: string): { owner: string; signal: string } | undefined {
  if (!topic.startsWith(SIGNAL_PREFIX)) return undefined;
  const at = topic.lastIndexOf("/");
  if (at < SIGNAL_PREFIX.length) return undefined;
  return { owner: topic.slice(SIGNAL_PREFIX.length, at), signal: topic.slice(at + 1) };
}

/** Signal names by owner name, as the wire's maps carry them. */
export type OwnerSignals = Record<string, string[]>;

/**
 * The registry message. `member`, `owners` and `leaving` are version 1;
 * the rest are this implementation's extensions (readers ignore what they
 * do not know, and peers may leave them out).
 */
export interface RegistryMessage {
  member: string;
  owners: OwnerSignals;
  leaving?: boolean;
  /** Extension: the remote signals this member has slots on (it wants their emissions). */
  listens?: OwnerSignals;
  /** Extension: for each of its signals, the members it publishes emissions for. */
  feeds?: Record<string, Record<string, string[]>>;
  /** Extension: this member is the bus's host (it runs the forwarder). */
  host?: boolean;
}

/** The hello message. */
export interface HelloMessage {
  member: string;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isOwnerSignals(value: unknown): value is OwnerSignals {
  return isRecord(value) && Object.values(value).every(isStringArray);
}

/**
 * A decoded registry body checked against its shape; throws a `TypeError`
 * saying what is wrong. Unknown keys are ignored; a malformed extension key
 * is dropped rather than failing the whole message.
 */
export function readRegistry(value: unknown): RegistryMessage {
  if (!isRecord(value)) throw new TypeError("a registry message must be a map");
  const { member, owners, leaving, listens, feeds, host } = value;
  if (typeof member !== "string" || member === "") {
    throw new TypeError("a registry message needs a non-empty string `member`");
  }
  if (!isOwnerSignals(owners)) {
    throw new TypeError("`owners` of a registry message must map owner names to signal names");
  }
  const message: RegistryMessage = { member, owners };
  if (leaving === true) message.leaving = true;
  if (isOwnerSignals(listens)) message.listens = listens;
  if (isRecord(feeds) && Object.values(feeds).every(isOwnerSignals)) {
    message.feeds = feeds as Record<string, Record<string, string[]>>;
  }
  if (host === true) message.host = true;
  return message;
}

/** A decoded hello body checked against its shape; throws a `TypeError` saying what is wrong. */
export function readHello(value: unknown): HelloMessage {
  if (!isRecord(value) || typeof value.member !== "string" || value.member === "") {
    throw new TypeError("a hello message must be a map with a non-empty string `member`");
  }
  return { member: value.member };
}
