/**
 * A member's own emissions, on their way back. ZeroMQ delivers a message to
 * every subscriber of its topic, the sender's own included, and an emission
 * body (`[arg, ...]`) does not say who sent it. So a member remembers, per
 * topic it both publishes and listens to, the bodies it sent since its
 * subscription was ready, and drops the first arrival that matches the
 * oldest one: its own messages come back in the order it sent them.
 *
 * @internal
 */
export class Echoes {
  readonly #sent = new Map<string, { bodies: Uint8Array[]; head: number }>();

  /** Starts remembering what is sent to `topic` (its subscription is ready: echoes will come). */
  expect(topic: string): void {
    if (!this.#sent.has(topic)) this.#sent.set(topic, { bodies: [], head: 0 });
  }

  /** Stops remembering `topic` (unsubscribed: echoes may not come). */
  forget(topic: string): void {
    this.#sent.delete(topic);
  }

  /** Notes a body sent to `topic`, if its echo will come. */
  sent(topic: string, body: Uint8Array): void {
    this.#sent.get(topic)?.bodies.push(body);
  }

  /** Whether `body`, arrived on `topic`, is the echo of this member's oldest unmatched send. */
  isEcho(topic: string, body: Uint8Array): boolean {
    const queue = this.#sent.get(topic);
    if (queue === undefined || queue.head === queue.bodies.length) return false;
    if (!sameBytes(queue.bodies[queue.head]!, body)) return false;
    queue.head++;
    if (queue.head === queue.bodies.length) {
      queue.bodies.length = 0;
      queue.head = 0;
    } else if (queue.head > 1024 && queue.head * 2 > queue.bodies.length) {
      // Drop what was matched without shifting on every arrival.
      queue.bodies.splice(0, queue.head);
      queue.head = 0;
    }
    return true;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
