import { BUNDLE_ENTRY_BYTES, BUNDLE_HEADER_BYTES } from "./bundle.js";

/**
 * Messages of one topic held for one ZeroMQ message, and the sends that wait
 * until it is handed to ZeroMQ.
 *
 * @internal
 */
export class HeldBundle {
  readonly bodies: Uint8Array[] = [];
  /** Payload bytes so far, header included. */
  size = BUNDLE_HEADER_BYTES;
  /** A send of it resolved already: it goes out even after close, within linger. */
  promised = false;
  #waiting: { promise: Promise<void>; resolve(): void; reject(error: unknown): void } | undefined;

  constructor(
    readonly topic: string,
    readonly topicFrame: Uint8Array,
  ) {}

  add(body: Uint8Array): void {
    this.bodies.push(body);
    this.size += BUNDLE_ENTRY_BYTES + body.byteLength;
  }

  /** Resolves once the bundle is queued in ZeroMQ; for sends made before {@link handOver}. */
  handedOver(): Promise<void> {
    if (this.#waiting === undefined) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#waiting = { promise, resolve, reject };
    }
    return this.#waiting.promise;
  }

  /** `delivery` settles the sends waiting; `onUnclaimedFailure` gets its error when none does. */
  handOver(delivery: Promise<void>, onUnclaimedFailure: (error: unknown) => void): void {
    const waiting = this.#waiting;
    if (waiting) delivery.then(waiting.resolve, waiting.reject);
    else delivery.catch(onUnclaimedFailure);
  }
}
