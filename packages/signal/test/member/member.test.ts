import { SignalRegistry } from "../../src/registry.js";
import { Signal } from "../../src/signal.js";
import { BusMember } from "../../src/member/member.js";
import { codec, Hub, LoopLink, pair } from "./hub.js";

// BusMember is transport-agnostic: here two members share an in-memory
// link (what a browser page's or a test's transport would be), so the
// protocol logic is checked without ZeroMQ. The ZeroMQ side is tested in
// @sunflare/virtual with real sockets.

class Stage {
  readonly sigMoved = new Signal<[number]>();
}

test("a remote owner's signals are stand-ins: connect receives, emit reaches the owner; ready says when", async () => {
  const { host, hostRegistry, member, memberRegistry } = await pair(new Hub());
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

test("version 2: an emission's topic names its sender, and a member drops its own by that id", async () => {
  const hub = new Hub();
  const { host, hostRegistry, memberRegistry, close } = await pair(hub);
  const stage = new Stage();
  hostRegistry.registerSignals(stage);
  const seen: string[] = [];
  const watcher = new LoopLink(hub);
  watcher.listen((topic) => seen.push(topic));
  await watcher.subscribe("\0sunflare/signal/");
  const atMember: number[] = [];
  await memberRegistry.connect("Stage", "sigMoved", (x: number) => atMember.push(x), {
    deferred: true,
  }).ready;
  const atHost: number[] = [];
  stage.sigMoved.connect((x) => atHost.push(x));
  stage.sigMoved.emit(1);
  await hub.idle();
  // Its own emission came back to the host (it subscribes to its signals): dropped by id.
  expect(seen).toEqual([`\0sunflare/signal/Stage/sigMoved\0${host.id}`]);
  expect(atHost).toEqual([1]);
  expect(atMember).toEqual([1]);
  await close();
});

test("a version-1 peer (two-frame emissions, no version) owns, emits and receives alongside version-2 members", async () => {
  const hub = new Hub();
  const { host, hostRegistry, memberRegistry, close } = await pair(hub);
  const stage = new Stage();
  hostRegistry.registerSignals(stage);
  // The peer does what docs/wire-protocol.md asks of a version-1 peer, and nothing more.
  const peer = new LoopLink(hub);
  const received: { topic: string; args: unknown }[] = [];
  peer.listen((topic, body) => {
    if (topic === "\0sunflare/signal/Stage/sigMoved")
      received.push({ topic, args: codec.decode(body) });
  });
  await peer.subscribe("\0sunflare/signal/Stage/sigMoved");
  await peer.subscribe("\0sunflare/hello");
  const registry = { member: "v1-peer", owners: { PyCounter: ["sigCount"] } };
  const fromPeer: number[] = [];
  const connection = memberRegistry.connect(
    "PyCounter",
    "sigCount",
    (n: number) => fromPeer.push(n),
    {
      deferred: true,
    },
  );
  await peer.send("\0sunflare/hello", codec.encode({ member: "v1-peer" }));
  await peer.send("\0sunflare/registry", codec.encode(registry));
  await connection.ready;
  await peer.send("\0sunflare/signal/PyCounter/sigCount", codec.encode([41]));
  await hub.idle();
  expect(fromPeer).toEqual([41]);
  // The peer says nothing of what it listens to, so the host publishes for it, in the form it reads.
  expect(host.members().map((info) => info.member)).toContain("v1-peer");
  await hub.idle();
  const atHost: number[] = [];
  stage.sigMoved.connect((x) => atHost.push(x));
  stage.sigMoved.emit(7);
  await hub.idle();
  expect(received).toEqual([{ topic: "\0sunflare/signal/Stage/sigMoved", args: [7] }]);
  expect(atHost).toEqual([7]);
  await close();
});

test("a Signal from another installed copy of the package is forwarded like any other", async () => {
  // A second copy: the same source loaded again as a separate module, as a second install would be.
  let Copy!: typeof Signal;
  jest.isolateModules(() => {
    Copy = jest.requireActual<{ Signal: typeof Signal }>("../../src/signal.ts").Signal;
  });
  expect(Copy).not.toBe(Signal);
  const hub = new Hub();
  const { hostRegistry, memberRegistry, close } = await pair(hub);
  const owner = { sigCopied: new Copy<[string]>() };
  expect(owner.sigCopied instanceof Signal).toBe(false);
  hostRegistry.registerSignals(owner, { name: "Copied" });
  const received: string[] = [];
  await memberRegistry.connect("Copied", "sigCopied", (text: string) => received.push(text), {
    deferred: true,
  }).ready;
  owner.sigCopied.emit("across");
  await hub.idle();
  expect(received).toEqual(["across"]);
  // And the other way: an emission on the stand-in reaches the copy's slots.
  const atOwner = owner.sigCopied.next();
  memberRegistry.signals("Copied").sigCopied!.emit("back");
  expect(await atOwner).toEqual(["back"]);
  await close();
});
