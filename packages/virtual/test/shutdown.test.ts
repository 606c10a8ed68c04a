import type { Publisher } from "../src/index.js";
import { ClosedError, VirtualBus } from "../src/index.js";

/** Publishes as fast as it can until closed; resolves with the count, rejects on anything but ClosedError. */
async function flatOut(publisher: Publisher, topic: string): Promise<number> {
  let sent = 0;
  for (;;) {
    try {
      await publisher.send(topic, sent);
      sent++;
    } catch (error) {
      if (error instanceof ClosedError) return sent;
      throw error;
    }
  }
}

test.each(["inproc", "ipc", "tcp"] as const)(
  "shutdown() in the middle of a stream ends every loop cleanly (%s, 5 rounds)",
  async (transport) => {
    for (let round = 0; round < 5; round++) {
      const bus = new VirtualBus({ forwarder: { transport } });
      const subscribers = [bus.connectSubscriber("a"), bus.connectSubscriber()];
      await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
      const received = subscribers.map(async (subscriber) => {
        let count = 0;
        for await (const _ of subscriber) count++;
        return count;
      });
      const senders = [flatOut(bus.connectPublisher(), "a"), flatOut(bus.connectPublisher(), "b")];
      // Shut down once data is flowing.
      await subscribers[0]!.receive();
      await bus.shutdown();
      // Publishers stop with ClosedError only, iterations end normally: both settle.
      const [sentA] = await Promise.all(senders);
      await Promise.all(received);
      expect(sentA).toBeGreaterThan(0);
      expect(bus.forwarder.running).toBe(false);
    }
  },
);
