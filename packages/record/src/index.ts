export { record, Recorder } from "./recorder.js";
export type { RecordOptions, RecorderEvents, RecorderState, RecorderStats } from "./recorder.js";
export { readInfo } from "./info.js";
export type { ChannelInfo, RecordingInfo } from "./info.js";
export type { SessionInfo } from "./session.js";
export {
  MESSAGE_ENCODING,
  SESSION_METADATA,
  parseSignalName,
  signalChannelTopic,
} from "./channels.js";
export type { ChannelKind, SignalName } from "./channels.js";
export { play, Player } from "./player.js";
export type { PlayOptions, PlayerState, PlayerStats } from "./player.js";
