import { ClosedError, Forwarder, Publisher, Subscriber } from "../src/index.js";
import { openWitnessCount } from "../src/witness.js";

// Every ready() that has to wait registers on a witness socket. A wait that
// ended must not stay registered, and a witness left open costs a socket.
test("ready() and close() cycles leave no wait registered", async () => {
  const forwarder = new Forwarder();
  const publisher = new Publisher(forwarder);
  try {
    await publisher.send("warm", 0);
    for (let i = 0; i < 200; i++) {
      const subscriber = new Subscriber(forwarder, { topics: "t" });
      await subscriber.ready();
      subscriber.close();
    }
    expect(openWitnessCount()).toBe(0);

    // Closed while ready() is still waiting.
    for (let i = 0; i < 50; i++) {
      const subscriber = new Subscriber(forwarder, { topics: "t" });
      const ready = subscriber.ready();
      subscriber.close();
      await expect(ready).rejects.toBeInstanceOf(ClosedError);
    }
    expect(openWitnessCount()).toBe(0);

    // A publisher that connects while ready() waits still delivers afterwards.
    const late = new Subscriber(forwarder, { topics: "t" });
    const ready = late.ready();
    const second = new Publisher(forwarder);
    await ready;
    await second.send("t", "reaches it");
    expect((await late.receive()).value).toBe("reaches it");
    expect(openWitnessCount()).toBe(0);
    late.close();
    second.close();
  } finally {
    publisher.close();
    await forwarder.stop();
  }
});
