/**
 * The transport seam of a bus member: what {@link BusMember} needs of the
 * network (ZeroMQ through the forwarder in Node, a WebSocket in a browser)
 * and of the codec. Nothing here depends on either.
 */

/** What a bus member needs of its transport: ZeroMQ through the forwarder in Node, a WebSocket in a browser. */
export interface BusLink {
  /** Publishes one message [topic, body]; messages go out in call order. Rejects if it cannot be sent. */
  send(topic: string, body: Uint8Array): Promise<void>;
  /** Adds a topic prefix; resolves once anything any member publishes from then on is delivered. */
  subscribe(topic: string): Promise<void>;
  /** Removes a topic prefix. */
  unsubscribe(topic: string): void;
  /** Sets the one handler of the messages of subscribed prefixes, delivered in arrival order. */
  listen(handler: (topic: string, body: Uint8Array) => void): void;
  /** Releases the transport. */
  close(): void | Promise<void>;
}

/** Encodes emission arguments and protocol maps (the bus's @sunflare/codec Codec fits). */
export interface WireCodec {
  encode(value: unknown): Uint8Array;
  decode(data: Uint8Array): unknown;
}
