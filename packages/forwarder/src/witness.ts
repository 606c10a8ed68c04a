import { XPublisher } from "zeromq";
import type { CurveClientOptions } from "./curve.js";
import { applyCurveClient } from "./curve.js";
import { closeAtExit, forgetAtExit } from "./exit.js";
import { SubscriptionWatcher } from "./watcher.js";

/**
 * A throwaway publisher connected to a forwarder's publisher side, which
 * proves that a subscription reached the forwarder even when no publisher
 * exists yet: a publisher that connects later gets it in the forwarder's
 * subscription set.
 *
 * One witness per forwarder serves every `ready()` in progress in this
 * thread, so that many subscribers getting ready at once do not each make
 * the forwarder replay its whole subscription set to a socket of their own.
 *
 * @internal
 */
interface SharedWitness {
  watcher: SubscriptionWatcher;
  users: number;
}

const witnesses = new Map<string, SharedWitness>();

/** A witness of the forwarder at `publishAddress`; call `release` when done. @internal */
export function acquireWitness(
  publishAddress: string,
  curve: CurveClientOptions | undefined,
): { watcher: SubscriptionWatcher; release: () => void } {
  // Different CURVE credentials make different connections.
  const key = curve ? `${publishAddress}\n${JSON.stringify(curve)}` : publishAddress;
  let shared = witnesses.get(key);
  if (!shared) {
    const socket = new XPublisher({ linger: 0 });
    closeAtExit(socket);
    const watcher = new SubscriptionWatcher(socket);
    shared = { watcher, users: 0 };
    witnesses.set(key, shared);
    try {
      if (curve) applyCurveClient(socket, curve);
      socket.connect(publishAddress);
    } catch (error) {
      close(key, shared);
      throw error;
    }
    watcher.start();
  }
  shared.users++;
  const used = shared;
  let released = false;
  return {
    watcher: used.watcher,
    release: () => {
      if (released) return;
      released = true;
      if (--used.users === 0) close(key, used);
    },
  };
}

function close(key: string, shared: SharedWitness): void {
  witnesses.delete(key);
  shared.watcher.socket.close();
  forgetAtExit(shared.watcher.socket);
  shared.watcher.markClosed();
}
