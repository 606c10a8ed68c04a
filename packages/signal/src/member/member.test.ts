import { SignalRegistry } from "../registry.js";
import { Signal } from "../signal.js";
import type { BusLink, WireCodec } from "./link.js";
import { BusMember } from "./member.js";

// BusMember is transport-agnostic: here two members share an in-memory
// link (what a browser page's or a test's transport would be), so the
// protocol logic is checked without ZeroMQ. The ZeroMQ side is tested in
// @sunflare/virtual with real sockets.

const codec: WireCodec = {
  encode: (value) => new TextEncoder().encode(JSON.stringify(value)),
  decode: (data) => JSON.parse(new TextDecoder().decode(data)) as unknown,
};

/** A hub that delivers every message to each link subscribed to a prefix of its topic, a task later. */
class Hub {
  readonly links = new Set<LoopLink>();
  #inFlight = 0;
  #idle: (() => void)[] = [];
  publish(topic: string, body: Uint8Array): void {
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

class LoopLink implements BusLink {
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

class Stage {
  readonly sigMoved = new Signal<[number]>();
}

test("a remote owner's signals are stand-ins: connect receives, emit reaches the owner; ready says when", async () => {
  const hub = new Hub();
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
  const stage = new Stage();
  hostRegistry.registerSignals(stage);
  const received: number[] = [];
  const connection = memberRegistry.connect("Stage", "sigMoved", (x: number) => received.push(x), {
    deferred: true,
  });
  await connection.ready;
  expect(memberRegistry.has("Stage")).toBe(true);

  const standIn = memberRegistry.signals("Stage").sigMoved!;
  const first = standIn.next();
  stage.sigMoved.emit(1);
  expect(await first).toEqual([1]);
  // Emitting on the stand-in runs the member's slots at once and reaches the owner.
  const atOwner = stage.sigMoved.next();
  standIn.emit(2);
  expect(received).toEqual([1, 2]);
  expect(await atOwner).toEqual([2]);
  // Its echo is not delivered again: it would arrive before 3.
  const third = standIn.next();
  stage.sigMoved.emit(3);
  await third;
  expect(received).toEqual([1, 2, 3]);

  const left = new Promise<string>((resolve) =>
    host.once("left", (_info, reason) => resolve(reason)),
  );
  await member.close();
  expect(await left).toBe("left");
  await host.close();
});

test("an owner publishes only while another member listens", async () => {
  const hub = new Hub();
  const registry = new SignalRegistry();
  const host = new BusMember({ registry, link: new LoopLink(hub), codec, host: true });
  await host.start();
  const other = new BusMember({
    registry: new SignalRegistry(),
    link: new LoopLink(hub),
    codec,
    host: host.id,
  });
  await other.start();
  const stage = new Stage();
  registry.registerSignals(stage);
  const sent: string[] = [];
  const watcher = new LoopLink(hub);
  watcher.listen((topic) => sent.push(topic));
  await watcher.subscribe("\0sunflare/signal/");
  stage.sigMoved.emit(1);
  // Everything in flight has arrived (the heartbeat is 1 s away).
  await hub.idle();
  expect(sent).toEqual([]);
  await host.close();
  await other.close();
});

test("Connection.ready: at once when registered, on registration when deferred, rejects once closed", async () => {
  const registry = new SignalRegistry();
  const deferred = registry.connect("Stage", "sigMoved", () => undefined, { deferred: true });
  let live = false;
  void deferred.ready.then(() => (live = true));
  await Promise.resolve();
  expect(live).toBe(false);
  const events: string[] = [];
  registry.on("registered", (name) => events.push(`+${name}`));
  registry.on("unregistered", (name) => events.push(`-${name}`));
  registry.registerSignals(new Stage());
  await deferred.ready;
  const plain = registry.connect("Stage", "sigMoved", () => undefined);
  await plain.ready;
  expect(registry.connections().map((info) => info.state)).toEqual(["live", "live"]);
  registry.unregister("Stage", { reconnect: true });
  expect([deferred.pending, plain.pending]).toEqual([true, true]);
  expect(events).toEqual(["+Stage", "-Stage"]);
  const missing = registry.connect("Nobody", "sig", () => undefined);
  await expect(missing.ready).rejects.toThrow(/closed/);
});
