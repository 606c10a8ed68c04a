// The bus and plugin lifecycle.
export { VirtualBus } from "./bus.js";
export type { BusAddress, JoinOptions, Role, VirtualBusOptions, WiringEntry } from "./bus.js";
export { isBusName, namedBusDirectory, namedBuses, namedBusFile, resolveBusName } from "./named.js";
export type { NamedBus } from "./named.js";
export { launch } from "./launch.js";
export type {
  LaunchOptions,
  MemberExit,
  Session,
  SessionEvents,
  SessionWiringEntry,
} from "./launch.js";
export { inProcess, inWorker, isPlacement, Placement } from "./placement.js";
export type { PlacementOptions, PluginFactory } from "./placement.js";
export { hasConnectionPhase, hasRegistrationPhase, hasShutdown } from "./plugin.js";
export type { HasConnection, HasRegistration, HasShutdown } from "./plugin.js";

// Everything a plugin needs, so that it can import from this package alone.
export {
  BusMember,
  CallError,
  disconnectReceiver,
  isProperty,
  Property,
  isSunflareError,
  SignalBus,
  SunflareError,
  TimeoutError,
  EmitError,
  isSignal,
  Signal,
  SignalRegistry,
  signalsOf,
} from "@sunflare/signal";
export type {
  BusLink,
  BusMemberEvents,
  Call,
  CallErrorCode,
  CallOptions,
  Connection,
  OwnerInfo,
  PropertyMap,
  PropertyOptions,
  RemoteErrorInfo,
  SlotMap,
  ErrorCode,
  ConnectOptions,
  Logger,
  LeftReason,
  MemberInfo,
  MemberState,
  RegisterOptions,
  RegistryConnectOptions,
  SignalMap,
  WireCodec,
} from "@sunflare/signal";
export { isPrivateSlot, isSlot, slot, slotsOf } from "@sunflare/slot";
export {
  allocNDArray,
  asNDArray,
  Codec,
  decode,
  DecodeError,
  encode,
  EncodeError,
  isNDArray,
  ndarray,
} from "@sunflare/codec";
export type {
  AllocNDArrayOptions,
  CodecOptions,
  DType,
  NDArray,
  TypedArray,
  TypedArrayOf,
} from "@sunflare/codec";
export {
  ClosedError,
  curveKeyPair,
  Forwarder,
  MalformedMessageError,
  Publisher,
  Subscriber,
  topicPath,
} from "@sunflare/forwarder";
export type {
  CurveClientOptions,
  CurveKeyPair,
  ForwarderAddresses,
  ForwarderOptions,
  Message,
  PublisherOptions,
  SubscriberEvents,
  SubscriberOptions,
  Transport,
} from "@sunflare/forwarder";
