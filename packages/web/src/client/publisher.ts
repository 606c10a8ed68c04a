/** A page's publisher. Browser-safe. */
import { ClosedError, isReserved, SunflareError } from "@sunflare/wire";
import type { WireCodec } from "@sunflare/signal";
import type { WebConnection } from "./connection.js";
import { attempt } from "./errors.js";

/**
 * Publishes on the bus from a page: `send(topic, value)` encodes `value`
 * with the bus's codec (MessagePack, NDArrays included) and the gateway
 * forwards the bytes as they are. Messages go out in call order.
 *
 * @example
 * ```ts
 * const publisher = bus.connectPublisher();
 * await publisher.send("ui/clicks", { x: 10, y: 20 });
 * ```
 */
export class WebPublisher {
  readonly #connection: WebConnection;
  readonly #codec: WireCodec;
  #closed = false;

  /** @internal */
  constructor(connection: WebConnection, codec: WireCodec) {
    this.#connection = connection;
    this.#codec = codec;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends `[topic, encode(value)]`. Resolves once handed to the WebSocket;
   * rejects once the publisher or the connection is closed, and for the
   * bus's reserved topics (`"\0…"`), which pages reach only as members.
   */
  send(topic: string, value: unknown): Promise<void> {
    return attempt(() => {
      if (this.#closed) throw new ClosedError("This WebPublisher");
      if (isReserved(topic)) {
        throw new SunflareError(
          "refused",
          `Topic ${JSON.stringify(topic)} is reserved for the bus; pages publish on their own topics.`,
        );
      }
      this.#connection.publish(topic, this.#codec.encode(value));
    });
  }

  /** Stops this publisher (the page's connection stays open). */
  close(): void {
    this.#closed = true;
  }
}
