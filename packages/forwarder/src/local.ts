import { isMainThread } from "node:worker_threads";
import type { SubscriptionWatcher } from "./watcher.js";

/**
 * What this thread knows about the bus: the forwarders it runs and the
 * publishers it has connected, by address. {@link Subscriber.ready} uses it
 * to wait for exactly the publishers that could send to it from here; other
 * threads answer for their own publishers (see `threads.ts`).
 *
 * @internal
 */
const publishers = new Map<string, Set<SubscriptionWatcher>>();
const connecting = new Set<Promise<unknown>>();
const forwarders = new Map<string, string>();

/** A wait that can be given up: `cancel` forgets it. @internal */
export interface Wait {
  done: Promise<void>;
  cancel: () => void;
}

/** Records a publisher's connection in progress until it settles. @internal */
export function addConnecting(connection: Promise<unknown>): void {
  connecting.add(connection);
  const settled = (): void => void connecting.delete(connection);
  connection.then(settled, settled);
}

/** @internal */
export function addPublisher(address: string, watcher: SubscriptionWatcher): void {
  let set = publishers.get(address);
  if (!set) publishers.set(address, (set = new Set()));
  set.add(watcher);
}

/** @internal */
export function removePublisher(address: string, watcher: SubscriptionWatcher): void {
  const set = publishers.get(address);
  if (!set) return;
  set.delete(watcher);
  if (set.size === 0) publishers.delete(address);
}

/**
 * Resolves once every publisher of this thread connected at `address` has
 * applied the subscription `topic` (or closed). Call it once the
 * subscription reached the forwarder: only publishers connected by then
 * need checking (later ones receive it with the forwarder's subscription
 * set), but those still connecting may be among them, so they are awaited.
 *
 * @internal
 */
export function whenAppliedHere(address: string, topic: string): Wait {
  let cancelled = false;
  const cancels: (() => void)[] = [];
  const done = (async () => {
    if (connecting.size > 0) await Promise.allSettled([...connecting]);
    if (cancelled) return;
    const waits = [...(publishers.get(address) ?? [])].map((watcher) => watcher.whenHas(topic));
    for (const wait of waits) cancels.push(wait.cancel);
    await Promise.all(waits.map((wait) => wait.applied));
  })();
  return {
    done,
    cancel: () => {
      cancelled = true;
      for (const cancel of cancels) cancel();
    },
  };
}

/** Number of waits pending on this thread's publishers (for leak tests). @internal */
export function publisherWaitCount(): number {
  let count = 0;
  for (const set of publishers.values()) for (const watcher of set) count += watcher.waiting;
  return count;
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
