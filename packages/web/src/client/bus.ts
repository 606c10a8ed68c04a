/**
 * `WebBus`: a browser page's member of the bus, over one WebSocket to the
 * gateway. Browser-safe.
 */
import type { BusMember, SignalRegistry, WireCodec } from "@sunflare/signal";
import { SignalBus } from "@sunflare/signal";
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
 * `VirtualBus` API minus the forwarder. Its signals are the bus's: what the
 * page registers, every member sees, and the page looks up, connects to and
 * emits the signals of plugins in Node, threads, processes or other pages
 * by name.
 *
 * @example
 * ```ts
 * const bus = await connectWeb(location.href);
 * const controls = { sigStart: new Signal<[]>() };
 * bus.registerSignals(controls, { name: "Controls" });
 * button.onclick = () => controls.sigStart.emit();
 * bus.connect("Stage", "sigMoved", (x: number, y: number) => show(x, y));
 * ```
 */
export class WebBus extends SignalBus {
  /** Settles once the connection is closed, by {@link close}, the gateway (its code says why) or the network. */
  readonly closed: Promise<WebClose>;
  readonly #connection: WebConnection;
  /** The codec of the page's publishers, subscribers and emissions (the bus's MessagePack). */
  readonly #codec: WireCodec;
  #closing: Promise<void> | undefined;

  /** @internal */
  constructor(
    connection: WebConnection,
    codec: WireCodec,
    registry: SignalRegistry,
    membership: BusMember,
  ) {
    super(registry, membership);
    this.#connection = connection;
    this.#codec = codec;
    this.closed = new Promise((resolve) =>
      connection.onClose((error: WebClosedError) =>
        resolve({ code: error.closeCode, reason: error.reason }),
      ),
    );
    // The connection is gone: the member cannot be heard any more, so it stops (its stand-ins go).
    void this.closed.then(() => this.membership.close());
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
      this.#codec,
      typeof topics === "string" ? [topics] : topics,
    );
  }

  /** A publisher on the bus. */
  connectPublisher(): WebPublisher {
    return new WebPublisher(this.#connection, this.#codec);
  }

  /** Leaves the bus (the other members forget the page's signals at once) and closes the connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.membership.close().catch(() => undefined);
      if (!this.#connection.isClosed) this.#connection.close();
      await this.closed;
    })();
    return this.#closing;
  }
}
