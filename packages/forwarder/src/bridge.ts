/**
 * A forwarder's second transport: peers in other processes reach an inproc
 * forwarder through a bridge bound over ipc or tcp. Two proxies, one per
 * direction, so that nothing loops back:
 *
 *   publishers there → XSUB (bound) → proxy → XPUB → the forwarder's XSUB
 *   the forwarder's XPUB → XSUB → proxy → XPUB (bound) → subscribers there
 *
 * Subscriptions travel the other way through the same sockets, so readiness
 * holds across the bridge as at the forwarder: a subscriber's topics are
 * applied at the bridge's XPUB and at the forwarder's before its presence
 * notice reaches the publishers' side, here or there.
 *
 * @internal
 */
import type { BindPlan, ForwarderAddresses } from "./endpoints.js";
import { removeFiles } from "./endpoints.js";
import type { ForwarderOptions } from "./forwarder.js";
import { proxyPair } from "./pair.js";
import type { RunningProxy } from "./proxy.js";
import { startProxy } from "./proxy.js";

/** An open bridge. @internal */
export interface Bridge {
  readonly addresses: ForwarderAddresses;
  stop(): Promise<void>;
}

/**
 * Binds `plan` with `options` and bridges it to the forwarder at `inner`.
 * `onFailure` hears of a proxy that fails while running.
 */
export async function openBridge(
  inner: ForwarderAddresses,
  plan: BindPlan,
  options: ForwarderOptions,
  onFailure: (error: unknown) => void,
): Promise<Bridge> {
  const outer = proxyPair(options);
  // Into the forwarder as a publisher, lossless, so that a burst from there
  // slows its publishers down as the forwarder's own queue would; and out of
  // it as a subscriber.
  const { xpub: intoForwarder, xsub: fromForwarder } = proxyPair({
    highWaterMark: options.highWaterMark,
    noDrop: true,
  });
  const sockets = [outer.xsub, outer.xpub, intoForwarder, fromForwarder];
  const proxies: RunningProxy[] = [];
  try {
    await outer.xsub.bind(plan.publish);
    await outer.xpub.bind(plan.subscribe);
    intoForwarder.connect(inner.publishAddress);
    fromForwarder.connect(inner.subscribeAddress);
    const addresses = {
      publishAddress: outer.xsub.lastEndpoint ?? plan.publish,
      subscribeAddress: outer.xpub.lastEndpoint ?? plan.subscribe,
    };
    proxies.push(startProxy(outer.xsub, intoForwarder, onFailure));
    proxies.push(startProxy(fromForwarder, outer.xpub, onFailure));
    return {
      addresses,
      stop: async () => {
        // Each proxy closes its two sockets when it ends.
        await Promise.all(proxies.map((proxy) => proxy.stop()));
        removeFiles(plan.files);
      },
    };
  } catch (error) {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    for (const socket of sockets) if (!socket.closed) socket.close();
    removeFiles(plan.files);
    throw error;
  }
}
