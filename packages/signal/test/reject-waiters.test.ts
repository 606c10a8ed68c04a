import { ClosedError } from "@sunflare/wire";
import { Signal } from "../src/index.js";

// A stand-in that will never emit again rejects whoever waits on next():
// Signal gives its subclasses rejectWaiters for that.

class Abandoned extends Signal<[number]> {
  abandon(error: Error): void {
    this.rejectWaiters(error);
  }
}

test("rejectWaiters rejects every next(), with or without a timeout, and stops listening", async () => {
  const signal = new Abandoned({ name: "sigGone" });
  const plain = signal.next();
  const timed = signal.next({ timeoutMs: 60_000 });
  expect(signal.size).toBe(0);
  const error = new ClosedError("The bus");
  signal.abandon(error);
  await expect(plain).rejects.toBe(error);
  await expect(timed).rejects.toBe(error);
  // Rejected waiters are gone: a later emission resolves only a new one.
  const later = signal.next();
  signal.emit(3);
  await expect(later).resolves.toEqual([3]);
});
