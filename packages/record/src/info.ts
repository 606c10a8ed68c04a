/**
 * What a recording holds, read from its summary alone (no message is read):
 * what `sunflare info --json` prints.
 */
import type { ChannelKind } from "./channels.js";
import { channelKind, SESSION_METADATA } from "./channels.js";
import { openRecording } from "./mcap-file.js";
import type { SessionInfo } from "./session.js";
import { parseSession } from "./session.js";

/** One channel of a recording, as {@link readInfo} lists it. */
export interface ChannelInfo {
  /** A data topic, or `"Owner.signal"` for a signal. */
  readonly topic: string;
  /** Messages (bodies, or emissions) recorded on it. */
  readonly messages: number;
  /** Whether it holds a data topic or a signal's emissions. */
  readonly kind: ChannelKind;
  /** Its MCAP `messageEncoding` (`"msgpack"` in a Sunflare recording). */
  readonly encoding: string;
}

/** What {@link readInfo} says about a recording. Times are milliseconds since the epoch. */
export interface RecordingInfo {
  /** Messages in the recording, all channels together. */
  readonly messages: number;
  /** Log time of the first message (ms since the epoch; `0` when there is none). */
  readonly start: number;
  /** Log time of the last message (ms since the epoch; `0` when there is none). */
  readonly end: number;
  /** Every channel, in the order the recording made them. */
  readonly channels: ChannelInfo[];
  /** The `sunflare.session` metadata; `undefined` in an MCAP file from elsewhere. */
  readonly session: SessionInfo | undefined;
}

/**
 * Reads the summary of the MCAP recording at `file`.
 *
 * @example
 * ```ts
 * const info = await readInfo("session.mcap");
 * console.log(info.messages, info.channels.map((channel) => channel.topic));
 * ```
 * @throws SunflareError `"malformed"` for a file that is not MCAP, is truncated or has no index; `"refused"` when it cannot be opened
 */
export async function readInfo(file: string): Promise<RecordingInfo> {
  const { reader, close } = await openRecording(file);
  try {
    const counts = reader.statistics?.channelMessageCounts ?? new Map<number, bigint>();
    const channels = [...reader.channelsById.values()]
      .sort((a, b) => a.id - b.id)
      .map((channel) => ({
        topic: channel.topic,
        messages: Number(counts.get(channel.id) ?? 0n),
        kind: channelKind(channel.metadata),
        encoding: channel.messageEncoding,
      }));
    const messages = Number(reader.statistics?.messageCount ?? 0n);
    let session: SessionInfo | undefined;
    for await (const record of reader.readMetadata({ name: SESSION_METADATA }))
      session = parseSession(record.metadata);
    return {
      messages,
      start: messages === 0 ? 0 : nanosToMillis(reader.statistics?.messageStartTime ?? 0n),
      end: messages === 0 ? 0 : nanosToMillis(reader.statistics?.messageEndTime ?? 0n),
      channels,
      session,
    };
  } finally {
    await close();
  }
}

/** Nanoseconds (MCAP's log time) as milliseconds, keeping the fraction. @internal */
export function nanosToMillis(nanos: bigint): number {
  return Number(nanos / 1000n) / 1000;
}
