import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import type { ForwarderAddresses } from "../src/index.js";
import { ClosedError, Publisher, Subscriber } from "../src/index.js";

// Every ready() that has to wait connects a witness socket to the
// forwarder's publisher side (one shared by the ready() calls in progress).
// A wait that ended must not leave it open. Seen from outside: a proxy built
// like the forwarder, over ipc, counts the connections to its publisher side.

interface CountingHub {
  addresses: ForwarderAddresses;
  /** Resolves once exactly `count` peers are connected to the publisher side. */
  whenConnected(count: number): Promise<void>;
  stop(): Promise<void>;
}

async function countingHub(): Promise<CountingHub> {
  const xsub = new zmq.XSubscriber({ linger: 0 });
  const xpub = new zmq.XPublisher({ linger: 0 });
  const base = join(tmpdir(), `sunflare-${randomUUID().slice(0, 8)}`);
  await xsub.bind(`ipc://${base}-pub`);
  await xpub.bind(`ipc://${base}-sub`);
  // What the forwarder holds: the catch-all, then its sync topic.
  await xsub.send(Buffer.of(1));
  await xsub.send(Buffer.from("\x01\0sunflare/forwarder"));
  let connected = 0;
  const waits = new Set<{ count: number; resolve(): void }>();
  const settle = (): void => {
    for (const wait of waits) {
      if (wait.count !== connected) continue;
      waits.delete(wait);
      wait.resolve();
    }
  };
  const events = xsub.events;
  void (async () => {
    for await (const event of events) {
      if (event.type === "accept") connected++;
      else if (event.type === "disconnect") connected--;
      settle();
    }
  })();
  const proxy = new zmq.Proxy(xsub, xpub);
  const running = proxy.run();
  return {
    addresses: { publishAddress: `ipc://${base}-pub`, subscribeAddress: `ipc://${base}-sub` },
    whenConnected: (count) =>
      new Promise((resolve) => {
        waits.add({ count, resolve });
        settle();
      }),
    // The proxy closes both sockets, and with the XSUB its event observer.
    stop: async () => {
      proxy.terminate();
      await running;
    },
  };
}

test("ready() and close() cycles leave no witness connected", async () => {
  const hub = await countingHub();
  const publisher = new Publisher(hub.addresses);
  try {
    await publisher.send("warm", 0);
    await hub.whenConnected(1);
    for (let i = 0; i < 100; i++) {
      const subscriber = new Subscriber(hub.addresses, { topics: "t" });
      await subscriber.ready();
      subscriber.close();
    }
    await hub.whenConnected(1);

    // Closed while ready() is still waiting.
    for (let i = 0; i < 50; i++) {
      const subscriber = new Subscriber(hub.addresses, { topics: "t" });
      const ready = subscriber.ready();
      subscriber.close();
      await expect(ready).rejects.toBeInstanceOf(ClosedError);
    }
    await hub.whenConnected(1);

    // A publisher that connects while ready() waits still delivers afterwards.
    const late = new Subscriber(hub.addresses, { topics: "t" });
    const ready = late.ready();
    const second = new Publisher(hub.addresses);
    await ready;
    await second.send("t", "reaches it");
    expect((await late.receive()).value).toBe("reaches it");
    late.close();
    second.close();
    await hub.whenConnected(1);
  } finally {
    publisher.close();
    await hub.stop();
  }
});
