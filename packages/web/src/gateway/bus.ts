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

/** The part of a `VirtualBus` that {@link serveWeb} uses (a `VirtualBus` is one). */
export interface GatewayBus {
  connectPublisher(options?: PublisherOptions): Publisher;
  connectSubscriber(topics?: string | readonly string[], options?: SubscriberOptions): Subscriber;
}
