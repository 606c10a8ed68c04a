/**
 * A stand-in for a signal owned by another member: an ordinary `Signal`
 * whose protected hooks tell its member when somebody here listens, and
 * whose connections are live once the owner's emissions reach here.
 *
 * @internal
 */
import { relayHook } from "../hooks.js";
import { Signal } from "../signal.js";
import { everySender } from "./protocol.js";

/** What a stand-in asks of the member that made it. @internal */
export interface StandInHost {
  /** Somebody here started (`true`) or stopped listening to `signal`. */
  listening(signal: StandInSignal, listening: boolean): void;
}

/** @internal */
export class StandInSignal extends Signal<unknown[]> {
  /** Whether its subscription is in place, and whether its owner publishes for this member. */
  #subscribed = false;
  #fed = false;
  #waiters: (() => void)[] = [];

  constructor(
    /** The registry name of its owner. */
    readonly ownerName: string,
    /** Its name in the owner. */
    readonly signalName: string,
    /** The version-1 emission topic. */
    readonly topic: string,
    /** The owner is a version-1 peer: it publishes, and reads, the two-frame form only. */
    readonly v1Owner: boolean,
    readonly host: StandInHost,
  ) {
    super({ name: signalName });
  }

  /** The prefix this member subscribes to, to receive the owner's emissions. */
  get prefix(): string {
    return this.v1Owner ? this.topic : everySender(this.topic);
  }

  /** Its subscription is in place (`true`) or gone. */
  setSubscribed(subscribed: boolean): void {
    this.#subscribed = subscribed;
    this.#settle();
  }

  /** Its owner's registry says it publishes for this member (`true`), or not. */
  setFed(fed: boolean): void {
    this.#fed = fed;
    this.#settle();
  }

  /**
   * This stand-in is withdrawn for good (its owner's member is gone, or this
   * member closed): whoever waits for its next emission learns `why`, and
   * the first emission made on it afterwards calls `undelivered` (it reaches
   * the slots here, and nobody else).
   */
  orphan(why: Error, undelivered: () => void): void {
    this.rejectWaiters(why);
    let reported = false;
    this[relayHook](() => {
      if (reported) return;
      reported = true;
      undelivered();
    });
  }

  protected override onListening(listening: boolean): void {
    this.host.listening(this, listening);
  }

  protected override whenLive(): Promise<void> | undefined {
    if (this.#subscribed && this.#fed) return undefined;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #settle(): void {
    if (this.#subscribed && this.#fed) for (const wake of this.#waiters.splice(0)) wake();
  }
}
