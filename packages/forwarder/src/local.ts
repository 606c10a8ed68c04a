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
let waiters: (() => void)[] = [];

function notify(): void {
  const wake = waiters;
  waiters = [];
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

/** Resolves at the next change of the publisher set. @internal */
export function publishersChanged(): Promise<void> {
  return new Promise((resolve) => waiters.push(resolve));
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
