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

interface Held {
  topic: Uint8Array;
  body: Uint8Array;
}

/** @internal */
export class Outbox {
  #inFlight = 0;
  /** Data messages held: the newest per topic, in order of first arrival. */
  readonly #data = new Map<string, Held>();
  /** Bus messages held, in order. */
  #reserved: Held[] = [];
  #reservedBytes = 0;
  #overflowed = false;

  constructor(private readonly options: OutboxOptions) {}

  /** Sends a message now or holds it; `reserved` ones are never dropped. */
  push(topic: string, topicBytes: Uint8Array, body: Uint8Array, reserved: boolean): void {
    if (this.#overflowed) return;
    const held = { topic: topicBytes, body };
    if (!reserved) {
      this.#data.set(topic, held);
    } else {
      this.#reserved.push(held);
      this.#reservedBytes += body.byteLength;
      // An open outbox holds nothing else, and sends this at once, however large.
      if (!this.#isOpen() && this.#reservedBytes > this.options.maxBacklog) {
        this.#overflowed = true;
        this.#reserved = [];
        this.#data.clear();
        return this.options.onOverflow();
      }
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
    return this.#inFlight === 0 || this.#inFlight < this.options.window;
  }

  #flush(): void {
    while (this.#isOpen()) {
      let next = this.#reserved.shift();
      if (next) {
        this.#reservedBytes -= next.body.byteLength;
      } else {
        const [first] = this.#data;
        if (!first) return;
        this.#data.delete(first[0]);
        next = first[1];
      }
      this.#inFlight += this.options.write(next.topic, next.body);
    }
  }
}
