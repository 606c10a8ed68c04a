/**
 * What a member sends and subscribes to through its link: the only writer
 * of its subscriptions. Sends go out in call order and never wait (a
 * member's own messages are told apart by its id, so nothing is held while
 * a subscription is being made); a failing link is reported, once closed
 * not at all.
 *
 * @internal
 */
import type { Logger } from "@sunflare/wire";
import type { BusLink } from "./link.js";

/** @internal */
export class Outbox {
  readonly #link: BusLink;
  readonly #logger: Logger;
  readonly #label: string;
  /** Subscribed prefixes: when each is in place at the forwarder, and whether it is. */
  readonly #topics = new Map<string, { done: Promise<void>; ready: boolean }>();
  #closed = false;

  constructor(link: BusLink, logger: Logger, label: string) {
    this.#link = link;
    this.#logger = logger;
    this.#label = label;
  }

  /** Publishes `[topic, body]`. */
  send(topic: string, body: Uint8Array): void {
    if (!this.#closed) this.#link.send(topic, body).catch(this.report);
  }

  /** Publishes `[topic, body]` and resolves once sent (a member's last word). */
  async sendLast(topic: string, body: Uint8Array): Promise<void> {
    if (!this.#closed) await this.#link.send(topic, body);
  }

  /** Adds `prefix`; resolves once it is in place (at once if it was). */
  subscribe(prefix: string): Promise<void> {
    let topic = this.#topics.get(prefix);
    if (topic === undefined) {
      const entry = { done: this.#link.subscribe(prefix), ready: false };
      entry.done = entry.done.then(() => {
        entry.ready = true;
      });
      this.#topics.set(prefix, (topic = entry));
    }
    return topic.done;
  }

  /** Whether `prefix` is subscribed and in place. */
  isReady(prefix: string): boolean {
    return this.#topics.get(prefix)?.ready === true;
  }

  /** Removes `prefix`. */
  unsubscribe(prefix: string): void {
    if (this.#topics.delete(prefix) && !this.#closed) this.#link.unsubscribe(prefix);
  }

  /** Closes the link; nothing is sent or reported afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#link.close();
  }

  /** Reports a failure of the link (sends and subscriptions nobody awaits). */
  readonly report = (error: unknown): void => {
    if (!this.#closed) this.#logger.error(`Member ${this.#label}: the bus link failed.`, error);
  };

  /** Subscribes without waiting; a failure is reported. */
  subscribeLater(prefix: string, then?: () => void): void {
    this.subscribe(prefix).then(then, this.report);
  }
}
