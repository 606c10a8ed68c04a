export { EmitError } from "./emit-error.js";
export { disconnectReceiver } from "./links.js";
export type { Logger } from "./logger.js";
export { defaultLogger } from "./logger.js";
export type {
  AnySlot,
  Connection,
  RegisterOptions,
  RegistryConnectOptions,
  SignalMap,
  SignalNameFor,
  SignalRegistryOptions,
  SignalsFor,
  SlotFor,
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
