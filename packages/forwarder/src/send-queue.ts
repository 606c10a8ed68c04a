/**
 * A publisher's send queue, as one unit: the only place that knows how far
 * the publisher's ZeroMQ messages have got. It owns the chain of sends (one
 * at a time: zeromq.js allows one pending send per socket), the count of
 * those pending, the wait for the forwarder's subscription set before the
 * first message, the failure that ends all sending, and the linger deadline
 * after close, and it closes the socket once it is empty.
 *
 * The publisher hands it frames ({@link SendQueue.push}); its bundler hands
 * it finished bundles. The path of one message: `push` → `#deliver` →
 * `socket.send`, retried in `#retry` while the queue to the forwarder is full.
 *
 * @internal
 */
import type { XPublisher } from "zeromq";
import { asError, ClosedError, isErrno } from "./errors.js";
import { forgetAtExit } from "./exit.js";
import { SYNC_TOPIC } from "./topic.js";
import { nextTurn, OPERATIONS_PER_TURN } from "./turn.js";
import type { SubscriptionWatcher } from "./watcher.js";

/**
 * - `connecting`: nothing pushed yet; the connection is made (or being made).
 * - `syncing`: messages wait for the forwarder's subscription set.
 * - `open`: messages go straight to ZeroMQ when nothing is ahead of them.
 * - `closed`: nothing new is accepted; accepted messages still go out within
 *   linger, then the socket closes.
 */
export type SendQueueState = "connecting" | "syncing" | "open" | "closed";

/** See {@link SendQueue.intake}. */
export type Intake = "closed" | "keeping-up" | "behind";

/** What holds messages for the queue (the bundler): flushed into it at close. */
export interface Feeder {
  flush(): void;
}

/** The frames of one ZeroMQ message. */
export type Frames = (Uint8Array | string)[];

/** See the module comment. */
export class SendQueue {
  #state: SendQueueState = "connecting";
  /** The last send queued: the next one goes after it. */
  #tail: Promise<void>;
  /** Sends queued and not settled yet. */
  #pending = 0;
  #sendsSinceDrain = 0;
  /** Why nothing can be sent any more (no connection, a lost bundle); the next sends reject with it. */
  #failure: Error | undefined;
  /** After close: until when accepted messages may still go out. */
  #lingerUntil = Infinity;

  /**
   * @param connected settles once the socket is connected (or cannot be)
   * @param sync wait for the forwarder's subscription set before the first message
   * @param linger ms accepted messages may still go out after close (negative: no limit)
   */
  constructor(
    private readonly socket: XPublisher,
    private readonly watcher: SubscriptionWatcher,
    connected: Promise<void>,
    private readonly sync: boolean,
    private readonly linger: number,
  ) {
    this.#tail = connected;
    connected.catch(this.#keepFailure);
  }

  get closed(): boolean {
    return this.#state === "closed";
  }

  /**
   * What becomes of a message handed over now: refused once `closed`;
   * `keeping-up` while nothing waits in the queue and nothing went wrong, so
   * it needs no room in ZeroMQ's queue yet and its sender may go on at once;
   * `behind` otherwise, so its sender waits until the queue has it.
   */
  get intake(): Intake {
    if (this.#state === "closed") return "closed";
    return this.#state === "open" && this.#pending === 0 && this.#failure === undefined
      ? "keeping-up"
      : "behind";
  }

  /**
   * Queues one ZeroMQ message behind those before it; settles once ZeroMQ
   * has it. `accepted`: a send of it has resolved already, so it still goes
   * out after close, within linger; any other is refused with
   * {@link ClosedError} once closed, so a sender need not ask first.
   */
  push(parts: Frames, accepted: boolean): Promise<void> {
    if (this.#state === "closed" && !accepted) return Promise.reject(new ClosedError("Publisher"));
    if (this.#state === "connecting") this.#startSync();
    // zeromq.js allows one pending send per socket: an idle, synchronised
    // queue sends at once, anything else goes behind the tail.
    const sent =
      ++this.#pending === 1 && this.#state === "open"
        ? this.#deliver(parts, accepted)
        : this.#tail.then(
            () => this.#deliver(parts, accepted),
            () => this.#deliver(parts, accepted),
          );
    this.#tail = sent;
    return sent;
  }

  /**
   * Like {@link push} for a message whose sends have all resolved: nobody
   * awaits it, so its failure fails the next sends instead. Closing is no
   * failure: what linger did not allow is dropped, as ZeroMQ does.
   */
  pushAccepted(parts: Frames): void {
    this.push(parts, true).catch(this.#keepFailure);
  }

  /**
   * Closes the queue: `feeder` hands over what it holds first; then messages
   * still queued go out if accepted, until the linger deadline, and reject
   * with {@link ClosedError} otherwise, as they come up. The socket closes
   * once the queue is empty. Idempotent.
   */
  close(feeder: Feeder | undefined): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    if (this.linger >= 0) this.#lingerUntil = performance.now() + this.linger;
    feeder?.flush();
    // Also ends the wait for the subscription set.
    this.watcher.markClosed();
    if (this.#pending === 0) {
      this.#closeSocket();
    } else {
      const closeSocket = (): void => this.#closeSocket();
      this.#tail.then(closeSocket, closeSocket);
    }
  }

  /**
   * Holds what is sent until the forwarder's subscription set arrived (with
   * `sync`): a PUB socket silently drops what nobody has subscribed to yet,
   * and the set holds the forwarder's catch-all. Started by the first push,
   * not before: reading notices makes the socket take in every subscription
   * queued so far, which a publisher that never sends need not pay for.
   */
  #startSync(): void {
    this.#state = "syncing";
    const synced = this.#tail
      .then(() => (this.sync ? this.watcher.whenHas(SYNC_TOPIC).applied : undefined))
      .then(() => {
        if (this.#state === "syncing") this.#state = "open";
      });
    synced.catch(this.#keepFailure);
    this.#tail = synced;
  }

  readonly #keepFailure = (error: unknown): void => {
    if (!(error instanceof ClosedError)) this.#failure ??= asError(error);
  };

  #closeSocket(): void {
    // ZeroMQ's own linger covers what remains of ours.
    if (Number.isFinite(this.#lingerUntil)) {
      this.socket.linger = Math.max(0, Math.ceil(this.#lingerUntil - performance.now()));
    }
    this.socket.close();
    forgetAtExit(this.socket);
  }

  /** Whether a message may still be handed to ZeroMQ: before close, or accepted and within linger. */
  #maySend(accepted: boolean): boolean {
    return this.#state !== "closed" || (accepted && performance.now() < this.#lingerUntil);
  }

  readonly #sendDone = (): void => {
    this.#pending--;
  };

  /** Sends one message, retrying while the queue is full; settles it in {@link #pending}. */
  #deliver(parts: Frames, accepted: boolean): Promise<void> {
    let sending: Promise<void>;
    try {
      if (!this.#maySend(accepted)) throw new ClosedError("Publisher");
      // The connection never came (e.g. the forwarder failed to start).
      if (this.#failure) throw this.#failure;
      // Nobody reads subscription notices while nobody waits for them (a
      // pending receive slows every send), so they queue in the socket: read
      // those queued now and then, which never waits.
      if (++this.#sendsSinceDrain >= OPERATIONS_PER_TURN) {
        this.#sendsSinceDrain = 0;
        this.watcher.drain();
        // Back-to-back sends resolve at once: without a turn of the event
        // loop now and then, a sending loop would starve everything else.
        sending = nextTurn().then(() => this.socket.send(parts));
      } else {
        sending = this.socket.send(parts);
      }
    } catch (error) {
      this.#sendDone();
      return Promise.reject(asError(error));
    }
    // One derived promise per message: this path runs for every send.
    return sending.then(this.#sendDone, (error: unknown) =>
      this.#retry(parts, accepted, error).finally(this.#sendDone),
    );
  }

  async #retry(parts: Frames, accepted: boolean, error: unknown): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      // With noDrop, a full queue makes libzmq answer EAGAIN while still
      // reporting the socket writable, so zeromq.js cannot wait for us: back
      // off and retry. This is the backpressure `send` callers feel.
      if (!this.#maySend(accepted)) throw new ClosedError("Publisher");
      if (!isErrno(error, "EAGAIN")) throw asError(error);
      await backoff(attempt);
      if (!this.#maySend(accepted)) throw new ClosedError("Publisher");
      try {
        await this.socket.send(parts);
        return;
      } catch (next) {
        error = next;
      }
    }
  }
}

/** @internal */
function backoff(attempt: number): Promise<void> {
  if (attempt < 16) return nextTurn();
  return new Promise((resolve) => setTimeout(resolve, Math.min(10, attempt - 15)));
}
