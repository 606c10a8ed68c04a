/**
 * `WebBus`: a browser page's member of the bus, over one WebSocket to the
 * gateway. Browser-safe.
 */
import type {
  BusMember,
  WireCodec,
  Connection,
  MemberInfo,
  RegisterOptions,
  RegistryConnectOptions,
  SignalNameFor,
  SignalRegistry,
  SignalsFor,
  SlotFor,
} from "@sunflare/signal";
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
export class WebBus {
  /** The page's part of the bus-wide signal registry. */
  readonly registry: SignalRegistry;
  /** The page's bus member: its events say which members join and leave. */
  readonly membership: BusMember;
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
    this.#connection = connection;
    this.#codec = codec;
    this.registry = registry;
    this.membership = membership;
    this.closed = new Promise((resolve) =>
      connection.onClose((error: WebClosedError) =>
        resolve({ code: error.code, reason: error.reason }),
      ),
    );
    // The connection is gone: the member cannot be heard any more, so it stops (its stand-ins go).
    void this.closed.then(() => this.membership.close());
  }

  /** This page's member id, unique on the bus. */
  get member(): string {
    return this.membership.id;
  }

  /** Whether the connection is closed. */
  get isClosed(): boolean {
    return this.#connection.isClosed;
  }

  /**
   * Registers the `Signal` fields of `owner` under
   * `options.name ?? owner.constructor.name`, for every member of the bus.
   * Give `name`: bundlers minify class names.
   */
  registerSignals(owner: object, options?: RegisterOptions): void {
    this.registry.registerSignals(owner, options);
  }

  /**
   * The signals registered under `name`, here or by another member (then
   * stand-ins: `connect` receives the owner's emissions, `emit` reaches the
   * owner's and every member's slots).
   */
  signals<const Name extends string>(name: Name): SignalsFor<Name> {
    return this.registry.signals(name);
  }

  /** Whether anything is registered under `name`, on the page or by another member. */
  has(name: string): boolean {
    return this.registry.has(name);
  }

  /** The registered names, on the page and by other members. */
  names(): string[] {
    return this.registry.names();
  }

  /**
   * Connects `slot` to signal `signal` of `name`, wherever it is owned;
   * `connection.ready` resolves once emissions reach the slot. With
   * `deferred: true` it waits for the signal to be registered by any member.
   */
  connect<const Name extends string, const Key extends string>(
    name: Name,
    signal: Key & SignalNameFor<Name>,
    slot: SlotFor<Name, Key>,
    options?: RegistryConnectOptions,
  ): Connection {
    return this.registry.connect(name, signal, slot, options);
  }

  /** Live members of the bus, this page first, with the owners each registered. */
  members(): MemberInfo[] {
    return this.membership.members();
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
