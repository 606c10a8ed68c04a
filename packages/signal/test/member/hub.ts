import type { BusLink, WireCodec } from "../../src/member/link.js";
import { BusMember } from "../../src/member/member.js";
import { SignalRegistry } from "../../src/registry.js";

// BusMember is transport-agnostic: in these tests members share an in-memory
// link (what a browser page's or a test's transport would be), so the
// protocol logic is checked without ZeroMQ. The ZeroMQ side is tested in
// @sunflare/virtual with real sockets.

export const codec: WireCodec = {
  // Like MessagePack, it refuses what it has no form for.
  encode: (value) =>
    new TextEncoder().encode(
      JSON.stringify(value, (_key, item: unknown) => {
        if (typeof item === "function" || typeof item === "symbol" || typeof item === "bigint")
          throw new TypeError(`cannot encode a ${typeof item}`);
        return item;
      }),
    ),
  decode: (data) => JSON.parse(new TextDecoder().decode(data)) as unknown,
};

/** A hub that delivers every message to each link subscribed to a prefix of its topic, a task later. */
export class Hub {
  readonly links = new Set<LoopLink>();
  #inFlight = 0;
  #idle: (() => void)[] = [];
  /** Every topic published, in order. */
  readonly log: string[] = [];
  readonly #watchers: { topic: string; wake(): void }[] = [];
  /** How many messages were published so far. */
  get published(): number {
    return this.log.length;
  }
  /** The topics published since `count` messages. */
  topicsSince(count: number): string[] {
    return this.log.slice(count);
  }
  /** Resolves when a message on `topic` is next published. */
  next(topic: string): Promise<void> {
    return new Promise((wake) => this.#watchers.push({ topic, wake }));
  }
  publish(topic: string, body: Uint8Array): void {
    this.log.push(topic);
    for (const watcher of this.#watchers.splice(0)) {
      if (watcher.topic === topic) watcher.wake();
      else this.#watchers.push(watcher);
    }
    for (const link of this.links) {
      if ([...link.topics].some((prefix) => topic.startsWith(prefix))) {
        this.#inFlight++;
        setTimeout(() => {
          link.deliver(topic, body);
          if (--this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
        }, 0);
      }
    }
  }
  /** Resolves once every message published so far, and all they caused, has been delivered. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

export class LoopLink implements BusLink {
  readonly topics = new Set<string>();
  #handler: ((topic: string, body: Uint8Array) => void) | undefined;
  constructor(private readonly hub: Hub) {
    hub.links.add(this);
  }
  send(topic: string, body: Uint8Array): Promise<void> {
    this.hub.publish(topic, body);
    return Promise.resolve();
  }
  subscribe(topic: string): Promise<void> {
    this.topics.add(topic);
    return Promise.resolve();
  }
  unsubscribe(topic: string): void {
    this.topics.delete(topic);
  }
  listen(handler: (topic: string, body: Uint8Array) => void): void {
    this.#handler = handler;
  }
  deliver(topic: string, body: Uint8Array): void {
    this.#handler?.(topic, body);
  }
  close(): void {
    this.hub.links.delete(this);
  }
}

/** Two members over one hub, the second joined to the first; both closed by `close()`. */
export async function pair(hub: Hub): Promise<{
  host: BusMember;
  hostRegistry: SignalRegistry;
  member: BusMember;
  memberRegistry: SignalRegistry;
  close(): Promise<void>;
}> {
  const hostRegistry = new SignalRegistry();
  const host = new BusMember({
    registry: hostRegistry,
    link: new LoopLink(hub),
    codec,
    host: true,
  });
  await host.start();
  const memberRegistry = new SignalRegistry();
  const member = new BusMember({
    registry: memberRegistry,
    link: new LoopLink(hub),
    codec,
    host: host.id,
  });
  await member.start();
  return {
    host,
    hostRegistry,
    member,
    memberRegistry,
    close: async () => {
      await member.close();
      await host.close();
    },
  };
}
