/**
 * Runs zeromq's `Proxy` (`zmq_proxy` on a libuv pool thread) between two
 * sockets, for the forwarder and its bridges: ended at the thread's exit, and
 * kept referenced a while after it stops.
 *
 * @internal
 */
import type { Socket } from "zeromq";
import { Proxy } from "zeromq";
import { forgetAtExit, releaseAtExit } from "./exit.js";

/**
 * zeromq.js names each proxy's control endpoint after the address of its
 * native object, and libzmq unbinds a closed inproc endpoint asynchronously.
 * A proxy whose JS object was collected (while running, or just after) could
 * see its address, and so its endpoint name, taken by a new proxy, which
 * then fails with EADDRINUSE. So the most recent stopped proxies stay
 * referenced (running ones are, by the exit registry).
 */
const recentProxies: Proxy[] = [];
const RECENT_PROXIES_KEPT = 64;

/** A running proxy. @internal */
export interface RunningProxy {
  /** Ends the proxy, which closes both sockets; resolves once it has. */
  stop(): Promise<void>;
}

/**
 * Starts forwarding between `frontend` and `backend`. `onFailure` hears of a
 * proxy that fails while running (never of one that was stopped).
 */
export function startProxy(
  frontend: Socket,
  backend: Socket,
  onFailure: (error: unknown) => void,
): RunningProxy {
  const proxy = new Proxy(frontend, backend);
  let stopping = false;
  const running = proxy.run().catch((error: unknown) => {
    if (!stopping) onFailure(error);
  });
  // zeromq.js shuts its context down at exit, which waits forever for the
  // sockets of a running proxy: a `process.exit()` would never return.
  releaseAtExit(proxy, () => proxy.terminate());
  void running.finally(() => {
    forgetAtExit(proxy);
    recentProxies.push(proxy);
    if (recentProxies.length > RECENT_PROXIES_KEPT) recentProxies.shift();
  });
  return {
    stop: async () => {
      if (!stopping) {
        stopping = true;
        proxy.terminate();
      }
      await running;
    },
  };
}
