/**
 * `WebBus`: a browser page's view of the bus, over one WebSocket to the
 * gateway. Browser-safe.
 */
import type { Codec } from "@sunflare/codec";
import type { WebConnection } from "./connection.js";
import type { WebClosedError } from "./errors.js";
import { WebPublisher } from "./publisher.js";
import { WebSubscriber } from "./subscriber.js";

/** How the connection of a {@link WebBus} ended. */
export interface WebClose {
  /** The WebSocket close code; see `CloseCode` for the gateway's. */
  code: number;
  /** The reason given with it. */
  reason: string;
}

/**
 * A browser page's member of a bus, from {@link connectWeb}: the
 * `VirtualBus` API minus the forwarder.
 */
export class WebBus {
  /** The codec of the page's publishers and subscribers (the bus's MessagePack). */
  readonly codec: Codec;
  /** Settles once the connection is closed, by {@link close}, the gateway (its code says why) or the network. */
  readonly closed: Promise<WebClose>;
  readonly #connection: WebConnection;

  /** @internal */
  constructor(connection: WebConnection, codec: Codec) {
    this.#connection = connection;
    this.codec = codec;
    this.closed = new Promise((resolve) =>
      connection.onClose((error: WebClosedError) =>
        resolve({ code: error.code, reason: error.reason }),
      ),
    );
  }

  /** Whether the connection is closed. */
  get isClosed(): boolean {
    return this.#connection.isClosed;
  }

  /**
   * A subscriber for `topics` (prefixes; default: every data topic).
   * `await subscriber.ready()` before relying on delivery.
   */
  connectSubscriber(topics: string | readonly string[] = ""): WebSubscriber {
    return new WebSubscriber(
      this.#connection,
      this.codec,
      typeof topics === "string" ? [topics] : topics,
    );
  }

  /** A publisher on the bus. */
  connectPublisher(): WebPublisher {
    return new WebPublisher(this.#connection, this.codec);
  }

  /** Closes the connection: subscribers end, the bus sees the page leave. Idempotent. */
  close(): Promise<void> {
    if (!this.#connection.isClosed) this.#connection.close();
    return this.closed.then(() => undefined);
  }
}
