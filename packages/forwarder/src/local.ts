import { isMainThread } from "node:worker_threads";
import type { SubscriptionWatcher } from "./watcher.js";

/**
 * What this thread knows about the bus: the forwarders it runs and the
 * publishers it has connected, by address. {@link Subscriber.ready} uses it
 * to wait for exactly the publishers that could send to it from here.
 *
 * Module state is per thread (and per module instance), which matches what
 * readiness can promise: publishers in other threads or processes wait on
 * their own side with `Publisher.waitForSubscribers`.
 *
 * @internal
 */
const publishers = new Map<string, Set<SubscriptionWatcher>>();
const forwarders = new Map<string, string>();
// A Set, so that a waiter that gives up (its subscriber closed) removes
// itself instead of staying reachable until the publisher set changes.
const waiters = new Set<() => void>();

function notify(): void {
  const wake = [...waiters];
  waiters.clear();
  for (const resolve of wake) resolve();
}

/** @internal */
export function addPublisher(address: string, watcher: SubscriptionWatcher): void {
  let set = publishers.get(address);
  if (!set) publishers.set(address, (set = new Set()));
  set.add(watcher);
  notify();
}

/** @internal */
export function removePublisher(address: string, watcher: SubscriptionWatcher): void {
  const set = publishers.get(address);
  if (!set) return;
  set.delete(watcher);
  if (set.size === 0) publishers.delete(address);
  notify();
}

/** @internal */
export function publishersOf(address: string): SubscriptionWatcher[] {
  return [...(publishers.get(address) ?? [])];
}

/**
 * A promise that resolves at the next change of the publisher set, and a
 * `cancel` that forgets it; call `cancel` once no longer waiting.
 *
 * @internal
 */
export function publishersChanged(): { changed: Promise<void>; cancel: () => void } {
  let resolve!: () => void;
  const changed = new Promise<void>((settle) => (resolve = settle));
  waiters.add(resolve);
  return { changed, cancel: () => waiters.delete(resolve) };
}

/** Number of pending {@link publishersChanged} waits (for leak tests). @internal */
export function publisherWaiterCount(): number {
  return waiters.size;
}

/** @internal */
export function addForwarder(subscribeAddress: string, publishAddress: string): void {
  forwarders.set(subscribeAddress, publishAddress);
}

/** @internal */
export function removeForwarder(subscribeAddress: string): void {
  forwarders.delete(subscribeAddress);
}

/** Publish address of a forwarder running in this thread. @internal */
export function publishAddressOf(subscribeAddress: string): string | undefined {
  return forwarders.get(subscribeAddress);
}

/** Anything of zeromq that can be closed: a socket or its event observer. @internal */
export interface Closable {
  close(): void;
}

const openSockets = new Set<Closable>();
let exitHookInstalled = false;

/**
 * Records a socket this thread opened, until {@link untrackSocket}.
 *
 * zeromq.js aborts the whole process when a worker thread ends with a
 * receive pending on one of its sockets (zeromq/zeromq.js#411), and every
 * publisher (its subscription reader) and reading subscriber has one. So in
 * a worker thread, the sockets still open when the thread exits (a
 * `process.exit()` or an uncaught exception in the plugin) are closed on
 * its way out, which keeps the crash contained to the worker.
 *
 * @internal
 */
export function trackSocket(socket: Closable): void {
  if (isMainThread) return;
  openSockets.add(socket);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", closeOpenSockets);
}

/** @internal */
export function untrackSocket(socket: Closable): void {
  openSockets.delete(socket);
}

/** Number of open sockets recorded in this worker thread (for tests). @internal */
export function trackedSocketCount(): number {
  return openSockets.size;
}

function closeOpenSockets(): void {
  for (const socket of openSockets) {
    try {
      socket.close();
    } catch {
      // Already closed, or the addon is going away: nothing left to release.
    }
  }
  openSockets.clear();
}
