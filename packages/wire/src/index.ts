export type { ErrorCode } from "./errors.js";
export { ClosedError, isSunflareError, SunflareError, TimeoutError } from "./errors.js";
export type { Logger } from "./logger.js";
export { defaultLogger } from "./logger.js";
export {
  CALL_PREFIX,
  callTopic,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MISSED_HEARTBEATS,
  emissionTopic,
  HELLO_TOPIC,
  isInprocAddress,
  isReserved,
  leavingMessage,
  LEAVE_SECRET_BYTES,
  BAD_INPUT_SUMMARY_MS,
  MEMBER_PREFIXES,
  parseEmissionTopic,
  PROTOCOL_VERSION,
  REGISTRY_TOPIC,
  RESERVED_PREFIX,
  selectsReserved,
  SENDER_SEPARATOR,
  SIGNAL_PREFIX,
  VALUES_TOPIC,
} from "./protocol.js";
