/**
 * What must happen when this thread exits, in one place.
 *
 * zeromq.js misbehaves when a thread ends with ZeroMQ work in flight: its
 * context shutdown waits forever for a running proxy's sockets (so a
 * `process.exit()` would never return), and it aborts the whole process when
 * a worker thread ends with a receive pending (zeromq/zeromq.js#411). So
 * whatever holds such work registers its release here, and one `exit` hook
 * runs them all, in registration order.
 *
 * @internal
 */
import { isMainThread } from "node:worker_threads";

const releases = new Map<object, () => void>();
let hooked = false;

/** Runs `release` when this thread exits, unless {@link forgetAtExit}`(owner)` came first. */
export function releaseAtExit(owner: object, release: () => void): void {
  releases.set(owner, release);
  if (hooked) return;
  hooked = true;
  process.once("exit", releaseAll);
}

/** `owner` was released already: nothing left to do for it at exit. */
export function forgetAtExit(owner: object): void {
  releases.delete(owner);
}

/**
 * Closes `socket` (or an event observer) at exit if this is a worker thread,
 * whose pending receives would otherwise abort the process. The main
 * thread's sockets need nothing: the process ends with them.
 */
export function closeAtExit(socket: { close(): void }): void {
  if (!isMainThread) releaseAtExit(socket, () => socket.close());
}

function releaseAll(): void {
  for (const release of releases.values()) {
    try {
      release();
    } catch {
      // Already closed, or the addon is going away: nothing left to release.
    }
  }
  releases.clear();
}
