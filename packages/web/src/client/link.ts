/**
 * The `BusLink` of a page's bus member: the member protocol's messages over
 * the page's WebSocket. Browser-safe.
 *
 * @internal
 */
import { ClosedError } from "@sunflare/wire";
import type { BusLink } from "@sunflare/signal";
import type { Delivery, Route, WebConnection } from "./connection.js";
import { matches } from "./connection.js";
import { rejected } from "./errors.js";

type Handler = (topic: string, body: Uint8Array) => void;

/** @internal */
export class WebLink implements BusLink, Route {
  readonly #connection: WebConnection;
  /** Subscribed prefixes and their readiness. */
  readonly #prefixes = new Map<string, Promise<void>>();
  #handler: Handler | undefined;
  #closed = false;

  constructor(connection: WebConnection) {
    this.#connection = connection;
    connection.addRoute(this);
  }

  send(topic: string, body: Uint8Array): Promise<void> {
    try {
      this.#connection.publish(topic, body);
      return Promise.resolve();
    } catch (error) {
      return rejected(error);
    }
  }

  subscribe(topic: string): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError("This link"));
    let ready = this.#prefixes.get(topic);
    if (!ready) {
      ready = this.#connection.subscribe(topic);
      this.#prefixes.set(topic, ready);
    }
    return ready;
  }

  unsubscribe(topic: string): void {
    if (!this.#prefixes.delete(topic)) return;
    this.#connection.unsubscribe(topic);
  }

  listen(handler: Handler): void {
    this.#handler = handler;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.removeRoute(this);
    for (const topic of this.#prefixes.keys()) this.#connection.unsubscribe(topic);
    this.#prefixes.clear();
  }

  wants(topic: string): boolean {
    for (const prefix of this.#prefixes.keys()) if (matches(prefix, topic)) return true;
    return false;
  }

  accept(delivery: Delivery): void {
    try {
      this.#handler?.(delivery.topic, delivery.body);
    } catch (error) {
      // The member reports its own errors; one escaping here must not stop the page's messages.
      console.error(error);
    } finally {
      delivery.taken();
    }
  }

  onClosed(): void {
    this.#closed = true;
  }
}
