import type { ForwarderAddresses, Message, Subscriber } from "../src/index.js";
import { Forwarder } from "../src/index.js";

/** Receives exactly `count` messages. */
export async function take(subscriber: Subscriber, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) messages.push(await subscriber.receive());
  return messages;
}

/**
 * A forwarder's addresses as a plain object: what a worker thread or another
 * process is given, or a peer that knows only the addresses.
 */
export function addressesOf(forwarder: Forwarder): ForwarderAddresses {
  return { publishAddress: forwarder.publishAddress, subscribeAddress: forwarder.subscribeAddress };
}

/** Counts the turns of the event loop from now until `stop()`, which returns the count. */
export function countTurns(): { stop(): number } {
  let counting = true;
  let turns = 0;
  const tick = (): void => {
    turns++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      counting = false;
      return turns;
    },
  };
}

/** Topics of messages. */
export function topics(messages: readonly Message[]): string[] {
  return messages.map((message) => message.topic);
}

/** Number of sequence numbers missing between 0 and the last one seen. */
export function gaps(sequence: readonly number[], total: number): number {
  return total - new Set(sequence).size;
}

/**
 * Releases what a test opened, after each test of the calling file: sockets
 * first (pending receives end), then forwarders.
 */
export function releaseAfterEach(): {
  open<T extends { close(): void }>(socket: T): T;
  stopAfter(forwarder: Forwarder): Forwarder;
  /** A new inproc forwarder, started, stopped after the test. */
  startedForwarder(): Promise<Forwarder>;
  /** Closes the sockets opened so far, for a test that stops its forwarder itself. */
  closeSockets(): void;
} {
  const sockets: { close(): void }[] = [];
  const forwarders: Forwarder[] = [];
  const closeSockets = (): void => {
    for (const socket of sockets.splice(0)) socket.close();
  };
  afterEach(async () => {
    closeSockets();
    await Promise.all(forwarders.splice(0).map((forwarder) => forwarder.stop()));
  });
  const stopAfter = (forwarder: Forwarder): Forwarder => {
    forwarders.push(forwarder);
    return forwarder;
  };
  return {
    closeSockets,
    open(socket) {
      sockets.push(socket);
      return socket;
    },
    stopAfter,
    async startedForwarder() {
      const forwarder = stopAfter(new Forwarder());
      await forwarder.start();
      return forwarder;
    },
  };
}
