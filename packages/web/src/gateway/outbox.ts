/**
 * What a page is sent, and when: the one place that decides between sending,
 * holding and conflating.
 *
 * The page acknowledges every message once its code has taken it, so the
 * gateway knows how many bytes are on their way (in the socket, the kernel,
 * the browser) or waiting in the page. Below the window, messages go out at
 * once. Above it, the newest message per data topic is held and any older
 * one it replaces is dropped (conflation), while messages of the bus's own
 * topics (signals, registry) are held in order and never dropped; a page
 * whose held bus messages exceed `maxBacklog` is given up on.
 *
 * Acknowledgements rather than the socket's `bufferedAmount`: the kernel's
 * and the browser's buffers take megabytes before `bufferedAmount` rises, so
 * a stalled page would keep receiving stale frames for seconds.
 *
 * @internal
 */
export interface OutboxOptions {
  /** Sends one message to the page. */
  write(topic: Uint8Array, body: Uint8Array): number;
  /** Bytes sent and not yet acknowledged beyond which messages are held. */
  window: number;
  /** Bytes of held bus messages beyond which the page is given up on. */
  maxBacklog: number;
  /** Called once when held bus messages exceed `maxBacklog`. */
  onOverflow(): void;
}

/** A message held for the page. */
interface Held {
  topic: Uint8Array;
  body: Uint8Array;
}

/** @internal */
export class Outbox {
  readonly #options: OutboxOptions;
  #inFlight = 0;
  /** Data messages held: the newest per topic, in order of first arrival. */
  readonly #data = new Map<string, Held>();
  /** Bus messages held, in order. */
  #reserved: Held[] = [];
  #reservedBytes = 0;
  #overflowed = false;
  /** Data messages replaced by a newer one before they could be sent. */
  conflated = 0;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /** Bytes sent and not acknowledged yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Sends a message now or holds it; `reserved` ones are never dropped. */
  push(topic: string, topicBytes: Uint8Array, body: Uint8Array, reserved: boolean): void {
    if (this.#overflowed) return;
    const held = { topic: topicBytes, body };
    if (this.#isOpen() && this.#reserved.length === 0 && this.#data.size === 0) {
      this.#send(held);
      return;
    }
    if (reserved) {
      this.#reserved.push(held);
      this.#reservedBytes += body.byteLength;
      if (this.#reservedBytes > this.#options.maxBacklog) {
        this.#overflowed = true;
        this.#reserved = [];
        this.#data.clear();
        this.#options.onOverflow();
        return;
      }
    } else {
      if (this.#data.has(topic)) this.conflated++;
      this.#data.set(topic, held);
    }
    this.#flush();
  }

  /** The page took a message of `size` bytes: send what the window now allows. */
  ack(size: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - size);
    this.#flush();
  }

  #isOpen(): boolean {
    // One message always goes, however large: the window is not a size limit.
    return this.#inFlight === 0 || this.#inFlight < this.#options.window;
  }

  #flush(): void {
    while (this.#isOpen()) {
      const next = this.#reserved.shift();
      if (next) {
        this.#reservedBytes -= next.body.byteLength;
        this.#send(next);
        continue;
      }
      const first = this.#data.entries().next();
      if (first.done) return;
      this.#data.delete(first.value[0]);
      this.#send(first.value[1]);
    }
  }

  #send(held: Held): void {
    this.#inFlight += this.#options.write(held.topic, held.body);
  }
}
