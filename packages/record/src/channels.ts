/**
 * How a recording names what it holds: one MCAP channel per data topic
 * (the topic itself) and per signal (`"Owner.signal"`), told apart by the
 * channel's `sunflare.kind` metadata.
 */
import { emissionTopic, SENDER_SEPARATOR } from "@sunflare/wire";

/** The `messageEncoding` of every channel of a recording: bodies are MessagePack as they travelled. */
export const MESSAGE_ENCODING = "msgpack";

/** The name of the MCAP metadata record that describes the recorded session. */
export const SESSION_METADATA = "sunflare.session";

/** What a channel carries: a data topic's bodies, or a signal's emissions (the array of its arguments). */
export type ChannelKind = "topic" | "signal";

/** Channel metadata keys. @internal */
export const KIND_KEY = "sunflare.kind";
/** @internal */
export const OWNER_KEY = "sunflare.owner";
/** @internal */
export const SIGNAL_KEY = "sunflare.signal";

/** A signal as a recording names it: its owner's registry name and its own. */
export interface SignalName {
  readonly owner: string;
  readonly signal: string;
}

/** `"Owner.signal"`, the channel topic of a signal. */
export function signalChannelTopic({ owner, signal }: SignalName): string {
  return `${owner}.${signal}`;
}

/**
 * Reads `"Owner.signal"` (owner names may hold dots; signal names do not,
 * so the last dot splits them); `undefined` when it is not of that form.
 */
export function parseSignalName(text: string): SignalName | undefined {
  const at = text.lastIndexOf(".");
  if (at <= 0 || at === text.length - 1) return undefined;
  return { owner: text.slice(0, at), signal: text.slice(at + 1) };
}

/** The prefix that selects every sender's version-2 emissions of one signal. @internal */
export function emissionPrefix({ owner, signal }: SignalName): string {
  return `${emissionTopic(owner, signal)}${SENDER_SEPARATOR}`;
}

/** The metadata of a channel of `kind`. @internal */
export function channelMetadata(kind: ChannelKind, name?: SignalName): Map<string, string> {
  const metadata = new Map<string, string>([[KIND_KEY, kind]]);
  if (name !== undefined) {
    metadata.set(OWNER_KEY, name.owner);
    metadata.set(SIGNAL_KEY, name.signal);
  }
  return metadata;
}

/** What a channel of a recording carries, from its metadata and topic. @internal */
export function channelKind(metadata: ReadonlyMap<string, string>): ChannelKind {
  return metadata.get(KIND_KEY) === "signal" ? "signal" : "topic";
}

/** The signal a signal channel carries. @internal */
export function channelSignal(
  topic: string,
  metadata: ReadonlyMap<string, string>,
): SignalName | undefined {
  const owner = metadata.get(OWNER_KEY);
  const signal = metadata.get(SIGNAL_KEY);
  if (owner !== undefined && signal !== undefined) return { owner, signal };
  return parseSignalName(topic);
}
