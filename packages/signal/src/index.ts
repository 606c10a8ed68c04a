export { EmitError } from "./emit-error.js";
export { disconnectReceiver } from "./links.js";
export type { Logger } from "./logger.js";
export { defaultLogger } from "./logger.js";
export type {
  AnySlot,
  Connection,
  ConnectionInfo,
  RegisterOptions,
  RegistryEvents,
  RegistryConnectOptions,
  SignalMap,
  SignalNameFor,
  SignalRegistryOptions,
  SignalsFor,
  SlotFor,
  PropertiesFor,
  PropertyMap,
  SlotArgs,
  SlotMap,
  SlotNameOf,
  SlotResult,
  UnregisterOptions,
} from "./registry.js";
export { SignalRegistry } from "./registry.js";
export type {
  AnySignal,
  ConnectOptions,
  NextOptions,
  Reemission,
  SignalOptions,
  SlotErrorHandler,
  SlotErrorInfo,
  Take,
} from "./signal.js";
export { isSignal, sender, Signal } from "./signal.js";
export { signalsOf } from "./signals-of.js";
export type { DebounceOptions, RateLimited, ThrottleOptions } from "./timing.js";
export { debounced, throttled } from "./timing.js";
export { SignalBus } from "./bus.js";
export type { Relay, RemoteCall, SlotHandle } from "./hooks.js";
export type { Call, CallErrorCode, CallOptions, RemoteErrorInfo } from "./call.js";
export { CallError } from "./call.js";
export type { AnyProperty, PropertyOptions } from "./property.js";
export { isProperty, Property } from "./property.js";
export type { OwnerInfo, WiringEntry } from "./bus.js";
export { BusMember } from "./member/member.js";
export type {
  BusMemberEvents,
  BusMemberOptions,
  LeftReason,
  MemberInfo,
  MemberState,
} from "./member/member.js";
export type { BusLink, WireCodec } from "./member/link.js";
export type { HelloMessage, OwnerSignals, RegistryMessage } from "./member/protocol.js";
export {
  ClosedError,
  emissionTopic,
  HELLO_TOPIC,
  isSunflareError,
  REGISTRY_TOPIC,
  RESERVED_PREFIX,
  SIGNAL_PREFIX,
  SunflareError,
  TimeoutError,
} from "@sunflare/wire";
export type { ErrorCode } from "@sunflare/wire";
