/**
 * The `BusLink` of a page's bus member: the member protocol's messages over
 * the page's WebSocket. Browser-safe.
 *
 * @internal
 */
import { ClosedError } from "@sunflare/wire";
import type { BusLink } from "@sunflare/signal";
import type { Delivery, Route, WebConnection } from "./connection.js";
import { selectsAny } from "./connection.js";
import { attempt } from "./errors.js";

type Handler = (topic: string, body: Uint8Array) => void;

/** @internal */
export class WebLink implements BusLink, Route {
  readonly #prefixes = new Map<string, Promise<void>>();
  #handler: Handler | undefined;
  #closed = false;

  constructor(private readonly connection: WebConnection) {
    connection.addRoute(this);
  }

  send(topic: string, body: Uint8Array): Promise<void> {
    return attempt(() => this.connection.publish(topic, body));
  }

  subscribe(topic: string): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError("This link"));
    const ready = this.#prefixes.get(topic) ?? this.connection.subscribe(topic);
    this.#prefixes.set(topic, ready);
    return ready;
  }

  unsubscribe(topic: string): void {
    if (this.#prefixes.delete(topic)) this.connection.unsubscribe(topic);
  }

  listen(handler: Handler): void {
    this.#handler = handler;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.connection.removeRoute(this);
    for (const topic of this.#prefixes.keys()) this.connection.unsubscribe(topic);
    this.#prefixes.clear();
  }

  wants(topic: string): boolean {
    return selectsAny(this.#prefixes.keys(), topic);
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
