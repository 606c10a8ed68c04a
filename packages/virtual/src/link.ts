/**
 * The ZeroMQ side of a bus member: a {@link BusLink} over one Publisher and
 * one Subscriber on the bus's forwarder. Both are made on first use, so a bus
 * used only for signals in one thread never starts ZeroMQ.
 */
import type { Endpoint, Logger } from "@sunflare/forwarder";
import { Forwarder, Publisher, Subscriber } from "@sunflare/forwarder";
import type { BusLink } from "@sunflare/signal";
import { ClosedError, isInprocAddress } from "@sunflare/wire";
import { isMainThread } from "node:worker_threads";

/**
 * zeromq.js sends a frame over 128 bytes without copying it, and hands it
 * back to the sending thread to be freed once every receiver let go of it;
 * when that thread is a worker that has ended by then, the process aborts
 * (`std::system_error`, seen with members that leave). So a member in a
 * worker thread on an inproc bus publishes with `bundle: "copied"`: every
 * message it sends is copied.
 */

/** Where a {@link ZmqLink} connects, and how. @internal */
export interface ZmqLinkOptions {
  /** The host's Forwarder, or its addresses (with the CURVE key when it runs with one). */
  endpoint: Endpoint;
  /** CURVE, for a member joining a forwarder that runs with `curve`. */
  curve: { serverKey: string } | undefined;
  logger: Logger;
}

/**
 * A {@link BusLink} over the forwarder. `subscribe` resolves with the
 * Subscriber's `ready()`, given the Forwarder or its address object, so it
 * covers every Sunflare publisher on that forwarder.
 *
 * @internal
 */
export class ZmqLink implements BusLink {
  readonly #options: ZmqLinkOptions;
  #publisher: Publisher | undefined;
  #subscriber: Subscriber | undefined;
  #handler: ((topic: string, body: Uint8Array) => void) | undefined;
  #closed = false;
  /** Whether what this link sends is copied (see the module comment). */
  readonly #copied: boolean;

  constructor(options: ZmqLinkOptions) {
    this.#options = options;
    const { endpoint } = options;
    const inproc =
      endpoint instanceof Forwarder
        ? endpoint.transport === "inproc"
        : isInprocAddress(typeof endpoint === "string" ? endpoint : endpoint.publishAddress);
    this.#copied = !isMainThread && inproc;
  }

  /**
   * Publishes `[topic, body]`. The first call makes the publisher and puts
   * the publisher's own `sendEncoded` in its place, so that every later send
   * goes straight to it.
   */
  send = (topic: string, body: Uint8Array): Promise<void> => {
    const publisher = new Publisher(this.#options.endpoint, {
      curve: this.#options.curve,
      ...(this.#copied ? { bundle: "copied" as const } : {}),
    });
    this.#publisher = publisher;
    this.send = publisher.sendEncoded.bind(publisher);
    return this.send(topic, body);
  };

  subscribe(topic: string): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError("The bus link"));
    if (this.#subscriber === undefined) {
      this.#subscriber = new Subscriber(this.#options.endpoint, {
        topics: topic,
        curve: this.#options.curve,
        logger: this.#options.logger,
        // Protocol traffic is no audience for a plugin's data.
        counted: false,
        consume: (message) => {
          const { frames } = message;
          // Only [topic, body] messages are protocol messages.
          if (frames.length === 2) this.#handler?.(message.topic, frames[1]!);
        },
      });
    } else {
      this.#subscriber.subscribe(topic);
    }
    return this.#subscriber.ready();
  }

  unsubscribe(topic: string): void {
    if (!this.#closed) this.#subscriber?.unsubscribe(topic);
  }

  listen(handler: (topic: string, body: Uint8Array) => void): void {
    this.#handler = handler;
  }

  close(): void {
    this.#closed = true;
    this.#publisher?.close();
    this.#subscriber?.close();
  }
}
