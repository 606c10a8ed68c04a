import type { Call, CallOptions } from "./call.js";

/**
 * The hooks a {@link SignalRegistry} and a bus member use on a `Signal`,
 * keyed by `Symbol.for` so that every installed copy of this package shares
 * them: a signal made by another copy registers, connects, forwards and
 * receives like any other. They are methods of `Signal`, not a way into its
 * private state.
 *
 * @internal
 */

/** `(slot, options) => SlotHandle`: connects, returning a handle the registry tracks. @internal */
export const connectHook: unique symbol = Symbol.for("@sunflare/signal.connect") as never;
/** `(owner, name, onError) => void`: the registry took it (`owner` undefined: it let go). @internal */
export const registerHook: unique symbol = Symbol.for("@sunflare/signal.register") as never;
/** `(relay) => void`: what runs after the local slots of each emission (a member publishing it). @internal */
export const relayHook: unique symbol = Symbol.for("@sunflare/signal.relay") as never;
/** `(args) => void`: runs the local slots only, for an emission that came from another member. @internal */
export const deliverHook: unique symbol = Symbol.for("@sunflare/signal.deliver") as never;
/** `() => Promise<void> | undefined`: when a connection to it is live (`undefined`: at once). @internal */
export const liveHook: unique symbol = Symbol.for("@sunflare/signal.live") as never;

/** One connection of a slot, as a registry holds it. @internal */
export interface SlotHandle {
  /** Still connected (a `once` slot, `disconnect` or `disconnectReceiver` may have ended it). */
  readonly connected: boolean;
  /** Disconnects it; idempotent. */
  disconnect(): void;
}

/** What runs after the local slots of an emission; it may throw (an unencodable argument). @internal */
export type Relay = (args: unknown[]) => void;

/**
 * `(slot, args, options) => Call`: on a stand-in owner object, how a call of
 * one of its slots reaches the member that owns it. @internal
 */
export const callHook: unique symbol = Symbol.for("@sunflare/signal.call") as never;

/** What a stand-in owner's `callHook` method is. @internal */
export type RemoteCall = (
  slot: string,
  args: readonly unknown[],
  options: CallOptions,
) => Call<unknown>;
