/**
 * The member protocol's messages (see docs/wire-protocol.md, version 2) and
 * their readers. The topics and the version live in `@sunflare/wire`; this
 * file adds the shapes of the bodies, which only members read.
 */

import { SENDER_SEPARATOR } from "@sunflare/wire";

/** Signal names by owner name, as the wire's maps carry them. */
export type OwnerSignals = Record<string, string[]>;

/**
 * The registry message. `member`, `owners` and `leaving` are version 1;
 * `version` says the sender speaks version 2 (its emissions carry its id);
 * the rest are extensions that readers may ignore and peers leave out.
 */
export interface RegistryMessage {
  member: string;
  owners: OwnerSignals;
  leaving?: boolean;
  /** The member protocol version of the sender: 2; absent for a version-1 peer. */
  version?: number;
  /** Extension: the remote signals this member has slots on (it wants their emissions). */
  listens?: OwnerSignals;
  /** Extension: for each of its signals, the members it publishes emissions for. */
  feeds?: Record<string, Record<string, string[]>>;
  /** Extension: this member is the bus's host (it runs the forwarder). */
  host?: boolean;
  /** Version 2: the slots of its owners that other members may call. */
  slots?: OwnerSignals;
  /** Version 2: the properties of its owners (their values travel in values messages). */
  properties?: OwnerSignals;
  /** Version 2: the sender's commitment to its leave secret (hex SHA-256; see leave-proof.ts). */
  leave?: string;
  /** Version 2, with `leaving`: the leave secret the sender committed to. */
  secret?: string;
}

/** The values message: current values of a member's properties, by owner and property. */
export interface ValuesMessage {
  member: string;
  values: Record<string, Record<string, unknown>>;
}

/**
 * A message to a member's inbox: a call (`slot` and `args`, or `property`
 * and `value` for a set), its `cancel`, and the answers (`progress`,
 * `result`, `error`). `id` is the caller's; `from` the sender's member id.
 */
export interface CallMessage {
  from: string;
  id: number;
  owner?: string;
  slot?: string;
  args?: unknown[];
  property?: string;
  value?: unknown;
  cancel?: true;
  progress?: unknown;
  result?: unknown;
  /** `remote`: with code `"remote"`, what the slot threw. */
  error?: {
    code: string;
    message: string;
    remote?: { name: string; message: string; stack?: string };
  };
}

/** The hello message. */
export interface HelloMessage {
  member: string;
  /** 2; absent for a version-1 peer. */
  version?: number;
}

/**
 * The topic a version-2 member publishes an emission on: the version-1
 * emission topic, a NUL, and the sender's member id. A version-1 reader that
 * compares whole topics passes it by; version-2 members subscribe to
 * `topic + "\0"`, so they receive every sender's and never the version-1
 * copy an owner publishes besides.
 */
export function fromSender(topic: string, sender: string): string {
  return `${topic}${SENDER_SEPARATOR}${sender}`;
}

/** What version-2 members subscribe to, to receive the emissions on `topic` of every version-2 sender. */
export function everySender(topic: string): string {
  return `${topic}${SENDER_SEPARATOR}`;
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
  const { member, owners, leaving, version, listens, feeds, host } = value;
  if (typeof member !== "string" || member === "") {
    throw new TypeError("a registry message needs a non-empty string `member`");
  }
  if (!isOwnerSignals(owners)) {
    throw new TypeError("`owners` of a registry message must map owner names to signal names");
  }
  const message: RegistryMessage = { member, owners };
  if (isOwnerSignals(value.slots)) message.slots = value.slots;
  if (isOwnerSignals(value.properties)) message.properties = value.properties;
  if (leaving === true) message.leaving = true;
  if (typeof version === "number") message.version = version;
  if (isOwnerSignals(listens)) message.listens = listens;
  if (isRecord(feeds) && Object.values(feeds).every(isOwnerSignals)) {
    message.feeds = feeds as Record<string, Record<string, string[]>>;
  }
  if (host === true) message.host = true;
  if (typeof value.leave === "string" && value.leave.length === 64) message.leave = value.leave;
  if (leaving === true && typeof value.secret === "string" && value.secret.length <= 256) {
    message.secret = value.secret;
  }
  return message;
}

/** A decoded hello body checked against its shape; throws a `TypeError` saying what is wrong. */
export function readHello(value: unknown): HelloMessage {
  if (!isRecord(value) || typeof value.member !== "string" || value.member === "") {
    throw new TypeError("a hello message must be a map with a non-empty string `member`");
  }
  return typeof value.version === "number"
    ? { member: value.member, version: value.version }
    : { member: value.member };
}

/** A decoded values body checked against its shape; throws a `TypeError` saying what is wrong. */
export function readValues(value: unknown): ValuesMessage {
  if (
    !isRecord(value) ||
    typeof value.member !== "string" ||
    !isRecord(value.values) ||
    !everyRecord(value.values)
  ) {
    throw new TypeError(
      "a values message must be a map with `member` and `values: {owner: {property: value}}`",
    );
  }
  return { member: value.member, values: value.values as ValuesMessage["values"] };
}

function everyRecord(values: Record<string, unknown>): boolean {
  for (const key in values) if (!isRecord(values[key])) return false;
  return true;
}

/** A decoded inbox body checked against its shape; throws a `TypeError` saying what is wrong. */
export function readCall(value: unknown): CallMessage {
  if (!isRecord(value) || typeof value.from !== "string" || typeof value.id !== "number") {
    throw new TypeError("a call message must be a map with a string `from` and a number `id`");
  }
  const { error } = value;
  if (
    error !== undefined &&
    !(isRecord(error) && typeof error.code === "string" && typeof error.message === "string")
  ) {
    throw new TypeError("the `error` of a call message must be a map with `code` and `message`");
  }
  return value as unknown as CallMessage;
}
