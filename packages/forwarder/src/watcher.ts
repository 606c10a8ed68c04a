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
  readonly #awaited = new Map<string, Set<() => void>>();
  #closed = false;
  #started = false;
  #reading = false;
  /** Someone asked for every notice queued to be read ({@link drain}, {@link refresh}). */
  #emptying = false;
  #blocking = false;
  readonly #drained = new Set<() => void>();

  constructor(readonly socket: XPublisher) {}

  /**
   * Allows reading. Call it only after `connect()`: a read already pending
   * when libzmq attaches an inproc pipe can miss the wake-up for data that
   * arrived during the attach, and then waits forever.
   *
   * Notices are read on demand only: while someone waits for a change (a
   * blocking receive then wakes them), and through {@link drain}. A receive
   * always pending on an XPUB costs every message the socket sends, so a
   * watcher nobody waits on keeps none.
   */
  start(): void {
    this.#started = true;
    if (this.#wake.size > 0 || this.#awaited.size > 0) this.#startReading();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Whether `topic` is subscribed, as of the notices read so far (exact
   * subscription, not prefix). A `true` is always current for a topic that is
   * not unsubscribed meanwhile; a `false` may be stale until the next read,
   * which waiting on {@link nextChange} starts.
   */
  has(topic: string): boolean {
    return this.#topics.has(topic);
  }

  /** Number of distinct subscribers that announced themselves, as of the notices read so far. */
  get subscribers(): number {
    return this.#presence.size;
  }

  /**
   * Resolves at the next change (a notice, or close), with a `cancel` that
   * forgets the wait: a waiter that gives up must not stay reachable until
   * the next notice.
   */
  nextChange(): { changed: Promise<void>; cancel: () => void } {
    if (this.#closed) return { changed: Promise.resolve(), cancel: () => undefined };
    let resolve!: () => void;
    const changed = new Promise<void>((settle) => (resolve = settle));
    this.#wake.add(resolve);
    this.#startReading();
    return { changed, cancel: () => this.#wake.delete(resolve) };
  }

  /**
   * Reads the notices already queued without waiting for more, or, while
   * someone waits on {@link nextChange}, until that wait is over. Starts
   * nothing if a read is already running or before {@link start}.
   */
  drain(): void {
    this.#emptying = true;
    this.#startReading();
  }

  #startReading(): void {
    if (this.#reading || !this.#started || this.#closed) return;
    this.#reading = true;
    void this.#read();
  }

  /**
   * Resolves once every notice queued so far has been read, so that
   * {@link has} and {@link subscribers} are current (a read already waiting
   * for the next notice means the queue was empty).
   */
  refresh(): Promise<void> {
    if (!this.#started || this.#closed || this.#blocking) return Promise.resolve();
    const drained = new Promise<void>((resolve) => this.#drained.add(resolve));
    this.drain();
    return drained;
  }

  /**
   * Resolves as soon as a notice subscribing `topic` is read (or at once if
   * it is already subscribed, or once closed: check {@link closed}), and a
   * `cancel` that forgets the wait. Unlike {@link nextChange}, it does not
   * wait for the queue to empty: the subscription was applied when libzmq
   * queued its notice, even if a later notice undid it.
   */
  whenHas(topic: string): { applied: Promise<void>; cancel: () => void } {
    if (this.#closed || this.#topics.has(topic)) {
      return { applied: Promise.resolve(), cancel: () => undefined };
    }
    let resolve!: () => void;
    const applied = new Promise<void>((settle) => (resolve = settle));
    let waiters = this.#awaited.get(topic);
    if (!waiters) this.#awaited.set(topic, (waiters = new Set()));
    waiters.add(resolve);
    this.#startReading();
    const cancel = (): void => {
      waiters.delete(resolve);
      if (waiters.size === 0 && this.#awaited.get(topic) === waiters) this.#awaited.delete(topic);
    };
    return { applied, cancel };
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
    if (!this.#closed) return;
    const awaited = [...this.#awaited.values()];
    this.#awaited.clear();
    for (const waiters of awaited) for (const resolve of waiters) resolve();
  }

  async #read(): Promise<void> {
    let changed = false;
    try {
      while (!this.#closed) {
        // `readable` means receive() completes at once (zeromq.js' fast
        // path), so a receive stays pending only while someone waits.
        if (!this.socket.readable) {
          // Waiters wake only once the queue is empty: a notice followed by
          // its undoing (a peer that came and went) must not look current.
          this.#emptying = false;
          this.#settleDrained();
          if (changed) this.#notify();
          changed = false;
          if (this.#wake.size === 0 && this.#awaited.size === 0) break;
          this.#blocking = true;
        } else if (!this.#emptying && this.#wake.size === 0 && this.#awaited.size === 0) {
          // What was awaited was seen: the rest waits for the next drain. A
          // publisher connecting to a busy bus reads its sync topic, not
          // every subscription of the bus.
          break;
        }
        const [notice] = await this.socket.receive();
        this.#blocking = false;
        if (notice === undefined || notice.length === 0) continue;
        const topic = notice.subarray(1).toString("utf8");
        if (notice[0] === 1) this.#add(topic);
        else if (notice[0] === 0) this.#remove(topic);
        changed = true;
      }
    } catch {
      // The socket was closed (under a pending read, or before `readable`):
      // nothing more to watch.
      this.markClosed();
    } finally {
      this.#reading = false;
      this.#blocking = false;
      this.#settleDrained();
    }
  }

  #settleDrained(): void {
    const drained = [...this.#drained];
    this.#drained.clear();
    for (const resolve of drained) resolve();
  }

  #add(topic: string): void {
    this.#topics.add(topic);
    const waiters = this.#awaited.get(topic);
    if (waiters) {
      this.#awaited.delete(topic);
      for (const resolve of waiters) resolve();
    }
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
