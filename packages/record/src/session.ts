/**
 * The `sunflare.session` metadata of a recording: who was on the bus, what
 * they registered and how it was wired, each entry a JSON document.
 */
import type { MemberInfo, OwnerInfo, WiringEntry } from "@sunflare/signal";

/** The session a recording was made of, as `sunflare.session` holds it. */
export interface SessionInfo {
  /** The members of the bus (the recorder's own left out). */
  readonly members: MemberInfo[];
  /** The owners registered on the bus, their signals, slots and property values. */
  readonly owners: OwnerInfo[];
  /** Every connection made through the recording bus. */
  readonly wiring: WiringEntry[];
}

/** What the recorder reads the session from: a bus (`VirtualBus`, `WebBus`). @internal */
export interface SessionSource {
  members(): MemberInfo[];
  owners(): OwnerInfo[];
  wiring(): WiringEntry[];
}

/** The session of `bus`, without the members in `hidden`. @internal */
export function sessionOf(bus: SessionSource, hidden: ReadonlySet<string>): SessionInfo {
  return {
    members: bus.members().filter((info) => !hidden.has(info.member)),
    owners: bus.owners(),
    wiring: bus.wiring(),
  };
}

/** `session` as MCAP metadata: one JSON document per key. @internal */
export function sessionMetadata(session: SessionInfo): Map<string, string> {
  return new Map([
    ["members", toJson(session.members)],
    ["owners", toJson(session.owners)],
    ["wiring", toJson(session.wiring)],
  ]);
}

/** Reads `sunflare.session` metadata back; missing or unreadable keys give empty lists. @internal */
export function parseSession(metadata: ReadonlyMap<string, string>): SessionInfo {
  return {
    members: fromJson<MemberInfo>(metadata.get("members")),
    owners: fromJson<OwnerInfo>(metadata.get("owners")),
    wiring: fromJson<WiringEntry>(metadata.get("wiring")),
  };
}

/** JSON that survives values JSON cannot hold (property values may be bigints or arrays of bytes). */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === "bigint") return item.toString();
    if (ArrayBuffer.isView(item)) return `<${item.byteLength} bytes>`;
    return item;
  });
}

function fromJson<T>(text: string | undefined): T[] {
  if (text === undefined) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}
