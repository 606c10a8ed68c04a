// Browser side of @sunflare/web: what a page needs to join a bus. Also built
// as the self-contained module the gateway serves at /sunflare-web.js.
export { connectWeb } from "./connect.js";
export type { ConnectWebOptions } from "./connect.js";
export { WebBus } from "./bus.js";
export type { WebClose } from "./bus.js";
export { WebSubscriber } from "./subscriber.js";
export { WebPublisher } from "./publisher.js";
export type { WebMessage } from "./message.js";
export { WebClosedError } from "./errors.js";
export { CloseCode } from "../wire/close-codes.js";
export type { CloseCodeValue } from "../wire/close-codes.js";
// What a page needs besides, so that a plain page imports one module.
export {
  CallError,
  ClosedError,
  EmitError,
  isProperty,
  Property,
  isSignal,
  isSunflareError,
  Signal,
  SignalBus,
  SignalRegistry,
  signalsOf,
  SunflareError,
  TimeoutError,
} from "@sunflare/signal";
export type {
  BusMember,
  Call,
  CallErrorCode,
  CallOptions,
  Connection,
  OwnerInfo,
  ErrorCode,
  MemberInfo,
  SignalMap,
  SignalOptions,
  WiringEntry,
} from "@sunflare/signal";
export { asNDArray, decode, encode, ndarray } from "@sunflare/codec";
export type { NDArray } from "@sunflare/codec";
