/**
 * The facts of the bus wire protocol (see docs/wire-protocol.md) that more
 * than one package needs: the reserved topics, the member protocol's topics
 * and version, and the heartbeat defaults. Plain `[topic, msgpack body]`
 * messages on the forwarder, so a peer in any language can take part.
 */

/** The version of the member protocol this implementation speaks. */
export const PROTOCOL_VERSION = 2;

/**
 * Every topic of the bus's own starts with this (readiness, presence,
 * membership, signals). The NUL first byte keeps it apart from any printable
 * topic; a data subscriber of `""` never receives them, only an explicit
 * subscription to such a prefix does.
 */
export const RESERVED_PREFIX = "\u0000sunflare/";

/** Whether `topic` is one of the bus's own. */
export function isReserved(topic: string): boolean {
  return topic.startsWith(RESERVED_PREFIX);
}

/**
 * Whether a subscription to `prefix` would select some of the bus's own
 * topics: a reserved topic, or the start of the reserved prefix itself
 * (`"\0"` selects everything reserved).
 */
export function selectsReserved(prefix: string): boolean {
  return prefix !== "" && (isReserved(prefix) || RESERVED_PREFIX.startsWith(prefix));
}

/** A member's registry: its whole registry, on change, in answer to a hello, and every heartbeat. */
export const REGISTRY_TOPIC = `${RESERVED_PREFIX}registry`;
/** Sent by a member that joins; every member answers with its registry. */
export const HELLO_TOPIC = `${RESERVED_PREFIX}hello`;
/** Emissions: `<prefix><owner>/<signal>`, body `[arg, ...]`. */
export const SIGNAL_PREFIX = `${RESERVED_PREFIX}signal/`;
/** The current values of a member's properties: all of them after its registry in answer to a hello, then each change. */
export const VALUES_TOPIC = `${RESERVED_PREFIX}values`;
/** A member's inbox: calls to its owners' slots, and the answers to its own calls (`<prefix><member id>`). */
export const CALL_PREFIX = `${RESERVED_PREFIX}call/`;
/** The topics of the member protocol: what a member (a browser page included) publishes and subscribes. */
export const MEMBER_PREFIXES: readonly string[] = [
  HELLO_TOPIC,
  REGISTRY_TOPIC,
  SIGNAL_PREFIX,
  VALUES_TOPIC,
  CALL_PREFIX,
];

/** The inbox topic of `member`. */
export function callTopic(member: string): string {
  return `${CALL_PREFIX}${member}`;
}

/** The emission topic of `owner`'s signal `signal`. */
export function emissionTopic(owner: string, signal: string): string {
  return `${SIGNAL_PREFIX}${owner}/${signal}`;
}

/**
 * Separates an emission topic from its sender's member id in a version-2
 * emission: `"\0sunflare/signal/<owner>/<signal>\0<sender>"`.
 */
export const SENDER_SEPARATOR = "\u0000";

/**
 * Owner, signal and sender of an emission topic (`sender` is `undefined`
 * for the two-frame form of a version-1 peer); `undefined` for anything
 * else. Signal names are field names and hold no `/`; owner names might,
 * so the last `/` before the sender separates them.
 */
export function parseEmissionTopic(
  topic: string,
): { owner: string; signal: string; sender: string | undefined } | undefined {
  if (!topic.startsWith(SIGNAL_PREFIX)) return undefined;
  const cut = topic.indexOf(SENDER_SEPARATOR, SIGNAL_PREFIX.length);
  const head = cut < 0 ? topic : topic.slice(0, cut);
  const at = head.lastIndexOf("/");
  if (at < SIGNAL_PREFIX.length) return undefined;
  return {
    owner: head.slice(SIGNAL_PREFIX.length, at),
    signal: head.slice(at + 1),
    sender: cut < 0 ? undefined : topic.slice(cut + 1),
  };
}

/** The registry message by which `member` leaves the bus: the others withdraw it at once (with `secret`, the leave secret it committed to). */
export function leavingMessage(
  member: string,
  secret?: string,
): {
  member: string;
  owners: Record<string, never>;
  leaving: true;
  secret?: string;
} {
  return secret === undefined
    ? { member, owners: {}, leaving: true }
    : { member, owners: {}, leaving: true, secret };
}

/**
 * Bytes of a member's leave secret. A version-2 member commits to it in its
 * registry (`leave`: lowercase hex SHA-256 of the secret's hex text) and
 * reveals it in its leaving message (`secret`); receivers drop a leaving
 * whose secret does not match, so nobody can make a committed member leave.
 */
export const LEAVE_SECRET_BYTES = 16;

/** Milliseconds between summaries of repeated bad input from one sender (the first is warned at once). */
export const BAD_INPUT_SUMMARY_MS = 5000;

/** Milliseconds between a member's heartbeats, unless the bus says otherwise. */
export const DEFAULT_HEARTBEAT_MS = 1000;
/** Heartbeats a member may miss before the others count it as gone. */
export const DEFAULT_MISSED_HEARTBEATS = 3;

/** Whether a forwarder address is an inproc one (every peer is in this process). */
export function isInprocAddress(address: string): boolean {
  return address.startsWith("inproc://");
}
