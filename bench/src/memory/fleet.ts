import * as zmq from "zeromq";

import { loadBus, loadVirtual } from "../bus/load.js";
import { startRawProxy } from "../raw/proxy.js";
import { sendLossless } from "../raw/send.js";
import { now } from "../util/timing.js";

/**
 * Many publishers and subscribers on one forwarder: subscriber `i` listens on
 * topic `i`, publisher `i` sends to it.
 */
export interface Fleet {
  ready(): Promise<void>;
  send(index: number, seq: number): Promise<void>;
  /** Routes every delivery to `onMessage` (receive loops start on first call). */
  start(onMessage: () => void, onError: (error: unknown) => void): void;
  close(): Promise<void>;
}

/** The topic of subscriber `index`. */
const topicOf = (index: number): string => `bench/memory/${String(index).padStart(3, "0")}`;

/** Receive loops that live as long as the fleet, re-targetable per stream. */
function loopsOf<T>(sockets: readonly T[], receive: (socket: T, index: number) => Promise<void>) {
  let started = false;
  const loops: Promise<void>[] = [];
  return {
    start(onError: (error: unknown) => void): void {
      if (started) return;
      started = true;
      sockets.forEach((socket, index) => loops.push(receive(socket, index).catch(onError)));
    },
    settled: () => Promise.allSettled(loops),
  };
}

/** The raw zeromq.js fleet on a raw XSUB/XPUB proxy. */
export async function rawFleet(peers: number): Promise<Fleet> {
  const proxy = await startRawProxy({ noDrop: true });
  const publishers = Array.from({ length: peers }, () => {
    const publisher = new zmq.Publisher({ noDrop: true });
    publisher.connect(proxy.publishAddress);
    return publisher;
  });
  const subscribers = Array.from({ length: peers }, (_, index) => {
    const subscriber = new zmq.Subscriber();
    subscriber.connect(proxy.subscribeAddress);
    subscriber.subscribe(topicOf(index));
    return subscriber;
  });
  const probed = new Set<number>();
  let onMessage = (): void => undefined;
  let onError = (_error: unknown): void => undefined;
  const loops = loopsOf(subscribers, async (subscriber, index) => {
    for await (const [, body] of subscriber) {
      if (body === undefined || body.length === 0) {
        probed.add(index);
        continue;
      }
      JSON.parse(body.toString());
      onMessage();
    }
  });
  return {
    async ready() {
      loops.start((error) => onError(error));
      // Probes until every subscriber has heard from its publisher.
      while (probed.size < peers) {
        await Promise.all(
          publishers
            .filter((_, index) => !probed.has(index))
            .map((publisher) =>
              sendLossless(publisher, [topicOf(publishers.indexOf(publisher)), ""]),
            ),
        );
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    send(index, seq) {
      const publisher = publishers[index];
      if (publisher === undefined) throw new RangeError(`no publisher ${index}`);
      return sendLossless(publisher, [topicOf(index), JSON.stringify({ seq, t: now() })]);
    },
    start(callback, errorCallback) {
      onMessage = callback;
      onError = errorCallback;
      loops.start((error) => onError(error));
    },
    async close() {
      for (const socket of [...publishers, ...subscribers]) socket.close();
      await loops.settled();
      await proxy.stop();
    },
  };
}

/**
 * The bus fleet: a `VirtualBus` with `connectPublisher`/`connectSubscriber`,
 * or a bare `Forwarder` while `@sunflare/virtual` is not there (noted).
 */
export async function busFleet(
  peers: number,
  note: (line: string) => void,
): Promise<Fleet | undefined> {
  const bus = await loadBus();
  if (typeof bus === "string") {
    note(bus);
    return undefined;
  }
  const { Forwarder, Publisher, Subscriber } = bus.forwarder;
  const virtual = await loadVirtual();
  let open: {
    publisher: () => InstanceType<typeof Publisher>;
    subscriber: (topic: string) => InstanceType<typeof Subscriber>;
    close: () => Promise<void>;
  };
  if (typeof virtual === "string") {
    note(`${virtual}; measured on a bare Forwarder`);
    const forwarder = new Forwarder();
    await forwarder.start();
    open = {
      publisher: () => new Publisher(forwarder),
      subscriber: (topic) => new Subscriber(forwarder, { topics: topic }),
      close: () => forwarder.stop(),
    };
  } else {
    const virtualBus = new virtual.VirtualBus();
    await virtualBus.ready();
    open = {
      publisher: () => virtualBus.connectPublisher(),
      subscriber: (topic) => virtualBus.connectSubscriber(topic),
      close: () => virtualBus.shutdown(),
    };
  }
  const publishers = Array.from({ length: peers }, () => open.publisher());
  const subscribers = Array.from({ length: peers }, (_, index) => open.subscriber(topicOf(index)));
  let onMessage = (): void => undefined;
  let onError = (_error: unknown): void => undefined;
  const loops = loopsOf(subscribers, async (subscriber) => {
    for await (const message of subscriber) {
      void message.value;
      onMessage();
    }
  });
  return {
    async ready() {
      await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
    },
    send(index, seq) {
      const publisher = publishers[index];
      if (publisher === undefined) throw new RangeError(`no publisher ${index}`);
      return publisher.send(topicOf(index), { seq, t: now() });
    },
    start(callback, errorCallback) {
      onMessage = callback;
      onError = errorCallback;
      loops.start((error) => onError(error));
    },
    async close() {
      for (const publisher of publishers) publisher.close();
      for (const subscriber of subscribers) subscriber.close();
      await loops.settled();
      await open.close();
    },
  };
}
