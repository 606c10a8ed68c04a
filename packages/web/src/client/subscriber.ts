/**
 * A page's subscriber: the messages of its topic prefixes, by `receive()` or
 * `for await`. Browser-safe.
 */
import { SunflareError } from "@sunflare/wire";
import type { WireCodec } from "@sunflare/signal";
import type { Delivery, Route, WebConnection } from "./connection.js";
import { pageMayUse } from "../wire/topics.js";
import { selectsAny } from "./connection.js";
import { WebClosedError } from "./errors.js";
import type { WebMessage } from "./message.js";
import { ReceivedWebMessage } from "./message.js";

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Receives the bus messages whose topic starts with one of its prefixes.
 * Messages wait here until the page's code takes them; the gateway sends
 * a page no more than it takes, and meanwhile keeps only the newest message
 * per data topic for it (conflation), so a slow page sees fewer, fresh
 * messages rather than a growing queue.
 *
 * @example
 * ```ts
 * const frames = bus.connectSubscriber("camera/frames");
 * await frames.ready();
 * for await (const message of frames) draw(asNDArray((message.value as { frame: unknown }).frame));
 * ```
 */
export class WebSubscriber implements AsyncIterable<WebMessage> {
  readonly #connection: WebConnection;
  readonly #codec: WireCodec;
  readonly #prefixes = new Set<string>();
  readonly #subscribing: Promise<void>[] = [];
  readonly #queue: Delivery[] = [];
  readonly #waiters: ((result: IteratorResult<WebMessage>) => void)[] = [];
  #error: WebClosedError | undefined;
  /** How the connection hands this subscriber its messages. */
  readonly #route: Route = {
    wants: (topic) => selectsAny(this.#prefixes, topic),
    accept: (delivery) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter({ done: false, value: this.#hand(delivery) });
      else this.#queue.push(delivery);
    },
    onClosed: (error) => this.#onClosed(error),
  };

  /** @internal */
  constructor(connection: WebConnection, codec: WireCodec, topics: readonly string[]) {
    this.#connection = connection;
    this.#codec = codec;
    connection.addRoute(this.#route);
    for (const topic of topics) this.subscribe(topic);
  }

  /** The topic prefixes subscribed. */
  get topics(): readonly string[] {
    return [...this.#prefixes];
  }

  /** Whether {@link close} was called or the connection closed. */
  get closed(): boolean {
    return this.#error !== undefined;
  }

  /**
   * Adds a topic prefix. Call {@link ready} again before relying on it.
   * Throws for the bus's reserved topics other than the member protocol's.
   */
  subscribe(topic: string): void {
    if (this.#error) throw this.#error;
    if (!pageMayUse(topic)) {
      throw new SunflareError("refused", `Topic ${JSON.stringify(topic)} is reserved for the bus.`);
    }
    if (this.#prefixes.has(topic)) return;
    this.#prefixes.add(topic);
    const subscribing = this.#connection.subscribe(topic);
    subscribing.catch(() => undefined);
    this.#subscribing.push(subscribing);
  }

  /** Removes a topic prefix. */
  unsubscribe(topic: string): void {
    if (this.#prefixes.delete(topic)) this.#connection.unsubscribe(topic);
  }

  /**
   * Resolves once every topic subscribed so far is applied at the bus: from
   * then on, anything any member publishes on them is delivered (or, for a
   * page that falls behind, conflated to the newest per topic).
   */
  async ready(): Promise<void> {
    await Promise.all(this.#subscribing);
  }

  /** The next message; rejects with {@link WebClosedError} once closed and nothing is left. */
  receive(): Promise<WebMessage> {
    return this.#next().then((result) => {
      if (result.done) throw this.#error!;
      return result.value;
    });
  }

  /**
   * Yields messages until {@link close}, or until the connection closed and
   * the messages that arrived before are all handed out; then ends normally.
   */
  [Symbol.asyncIterator](): AsyncIterator<WebMessage> {
    return { next: () => this.#next(), return: () => Promise.resolve(DONE) };
  }

  /** Stops receiving; a pending {@link receive} rejects, iteration ends. Idempotent. */
  close(): void {
    if (this.#error) return;
    for (const topic of this.#prefixes) this.#connection.unsubscribe(topic);
    this.#connection.removeRoute(this.#route);
    this.#onClosed(new WebClosedError(1000, "subscriber closed"));
    // Messages never handed out are released, so the gateway's accounting stays right.
    for (const delivery of this.#queue.splice(0)) delivery.taken();
  }

  #onClosed(error: WebClosedError): void {
    if (this.#error) return;
    this.#error = error;
    // Messages that arrived before the connection closed are still handed out.
    for (const waiter of this.#waiters.splice(0)) waiter(DONE);
  }

  #next(): Promise<IteratorResult<WebMessage>> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve({ done: false, value: this.#hand(queued) });
    if (this.#error) return Promise.resolve(DONE);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #hand(delivery: Delivery): WebMessage {
    delivery.taken();
    const { topic, topicBytes, body } = delivery;
    return new ReceivedWebMessage(topic, [topicBytes, body], this.#codec);
  }
}
