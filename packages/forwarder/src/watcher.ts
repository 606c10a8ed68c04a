import type { XPublisher } from "zeromq";
import { presenceOwner } from "./topic.js";

/**
 * Reads the subscription notices an XPUB socket receives and keeps the set of
 * subscriptions it has applied.
 *
 * libzmq applies a subscription to the socket's filter before it hands the
 * notice to the application, so once a topic shows up here, messages the
 * socket sends from now on reach that subscription. This is what turns
 * "subscribed somewhere" into "this publisher will deliver to it" without
 * waiting an arbitrary time.
 *
 * @internal
 */
export class SubscriptionWatcher {
  readonly #topics = new Set<string>();
  readonly #presence = new Map<string, number>();
  readonly #wake = new Set<() => void>();
  #closed = false;

  constructor(readonly socket: XPublisher) {}

  /**
   * Starts reading. Call it only after `connect()`: a read already pending
   * when libzmq attaches an inproc pipe can miss the wake-up for data that
   * arrived during the attach, and then waits forever.
   */
  start(): void {
    void this.#read();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether `topic` is currently subscribed (exact subscription, not prefix). */
  has(topic: string): boolean {
    return this.#topics.has(topic);
  }

  /** Number of distinct subscribers that announced themselves. */
  get subscribers(): number {
    return this.#presence.size;
  }

  /** Resolves at the next change (a notice, or close). */
  changed(): Promise<void> {
    return this.nextChange().changed;
  }

  /**
   * Like {@link changed}, with a `cancel` that forgets the wait: a waiter
   * that gives up must not stay reachable until the next notice.
   */
  nextChange(): { changed: Promise<void>; cancel: () => void } {
    if (this.#closed) return { changed: Promise.resolve(), cancel: () => undefined };
    let resolve!: () => void;
    const changed = new Promise<void>((settle) => (resolve = settle));
    this.#wake.add(resolve);
    return { changed, cancel: () => this.#wake.delete(resolve) };
  }

  /** Resolves once `predicate` holds, or once closed (check {@link closed}). */
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate() && !this.#closed) await this.changed();
  }

  markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#notify();
  }

  #notify(): void {
    const wake = [...this.#wake];
    this.#wake.clear();
    for (const resolve of wake) resolve();
  }

  async #read(): Promise<void> {
    try {
      for await (const [notice] of this.socket) {
        if (notice === undefined || notice.length === 0) continue;
        const topic = notice.subarray(1).toString("utf8");
        if (notice[0] === 1) this.#add(topic);
        else if (notice[0] === 0) this.#remove(topic);
        this.#notify();
      }
    } catch {
      // The socket was closed under a pending read: nothing more to watch.
    }
    this.markClosed();
  }

  #add(topic: string): void {
    this.#topics.add(topic);
    const owner = presenceOwner(topic);
    if (owner !== undefined) this.#presence.set(owner, (this.#presence.get(owner) ?? 0) + 1);
  }

  #remove(topic: string): void {
    this.#topics.delete(topic);
    const owner = presenceOwner(topic);
    if (owner === undefined) return;
    const count = (this.#presence.get(owner) ?? 1) - 1;
    if (count <= 0) this.#presence.delete(owner);
    else this.#presence.set(owner, count);
  }
}
