/**
 * What the gateway needs of a bus: publishers and subscribers on its
 * forwarder. `VirtualBus` fits.
 */
import type {
  Publisher,
  PublisherOptions,
  Subscriber,
  SubscriberOptions,
} from "@sunflare/forwarder";

/**
 * The part of a `VirtualBus` that {@link serveWeb} uses (a `VirtualBus` is
 * one). Without `ready` and `address`, pages share the bus's data streams
 * only: their members find no host to wait for.
 */
export interface GatewayBus {
  /** A publisher on the bus's forwarder (the gateway makes one, shared by its pages). */
  connectPublisher(options?: PublisherOptions): Publisher;
  /** A subscriber on the bus's forwarder (the gateway makes one per page). */
  connectSubscriber(topics?: string | readonly string[], options?: SubscriberOptions): Subscriber;
  /** Opens the bus to members and resolves once it can be joined. */
  ready?(): Promise<void>;
  /** Where the bus is, once ready. */
  readonly address?: {
    /** The member id of the bus's host, which pages' members wait for. */
    readonly host?: string;
  };
}
