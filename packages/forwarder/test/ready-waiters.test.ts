import { ClosedError, Forwarder, Publisher, Subscriber } from "../src/index.js";
import { publisherWaiterCount } from "../src/local.js";

// Every ready() that has to wait listens for changes of this thread's
// publisher set. A wait that ended must not stay registered: it would keep
// its (closed) subscriber reachable for as long as the set does not change,
// i.e. for the life of a long-lived publisher.
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
    expect(publisherWaiterCount()).toBe(0);

    // Closed while ready() is still waiting.
    for (let i = 0; i < 50; i++) {
      const subscriber = new Subscriber(forwarder, { topics: "t" });
      const ready = subscriber.ready();
      subscriber.close();
      await expect(ready).rejects.toBeInstanceOf(ClosedError);
    }
    expect(publisherWaiterCount()).toBe(0);

    // The set of publishers still wakes a wait in progress.
    const late = new Subscriber(forwarder, { topics: "t" });
    const ready = late.ready();
    const second = new Publisher(forwarder);
    await ready;
    await second.send("t", "reaches it");
    expect((await late.receive()).value).toBe("reaches it");
    expect(publisherWaiterCount()).toBe(0);
    late.close();
    second.close();
  } finally {
    publisher.close();
    await forwarder.stop();
  }
});
