// Runs inside a fresh npm project where only the packed tarballs of one @sunflare package (and the
// @sunflare packages it depends on) are installed. Usage: node packed-smoke.mjs <package> <import|require>
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [name, mode] = process.argv.slice(2);
const load = (id) => (mode === "require" ? createRequire(import.meta.url)(id) : import(id));
const installed = (id) => existsSync(`node_modules/${id}/package.json`);

const checks = {
  async wire() {
    const { isSunflareError, TimeoutError, emissionTopic } = await load("@sunflare/wire");
    assert.ok(isSunflareError(new TimeoutError("late"), "timeout"));
    assert.equal(emissionTopic("Stage", "sigMoved"), "\0sunflare/signal/Stage/sigMoved");
    assert.deepEqual(readdirSync("node_modules/@sunflare"), ["wire"]);
  },
  async signal() {
    const { Signal, SignalRegistry } = await load("@sunflare/signal");
    const registry = new SignalRegistry();
    const emitter = { sigSender: new Signal() };
    registry.registerSignals(emitter, { name: "Emitter" });
    let received;
    registry.signals("Emitter").sigSender.connect((x) => (received = x));
    emitter.sigSender.emit(10);
    assert.equal(received, 10);
    assert.ok(!installed("zeromq"), "@sunflare/signal must not pull zeromq");
  },
  async slot() {
    const { slot, isSlot } = await load("@sunflare/slot");
    assert.ok(isSlot(slot(() => 1)));
    assert.deepEqual(
      readdirSync("node_modules").filter((d) => !d.startsWith(".")),
      ["@sunflare"],
    );
    assert.deepEqual(readdirSync("node_modules/@sunflare"), ["slot"]);
  },
  async codec() {
    const { encode, decode, ndarray, asNDArray } = await load("@sunflare/codec");
    const frame = ndarray(new Uint16Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const back = decode(encode({ seq: 1, frame }));
    assert.equal(back.seq, 1);
    assert.deepEqual(Array.from(asNDArray(back.frame).data), [1, 2, 3, 4, 5, 6]);
    assert.ok(!installed("zeromq"), "@sunflare/codec must not pull zeromq");
  },
  async forwarder() {
    const { Forwarder, Publisher, Subscriber } = await load("@sunflare/forwarder");
    const forwarder = new Forwarder();
    await forwarder.start();
    const subscriber = new Subscriber(forwarder, { topics: "t" });
    const publisher = new Publisher(forwarder);
    await subscriber.ready();
    await publisher.send("t", { x: 1 });
    assert.deepEqual((await subscriber.receive()).value, { x: 1 });
    subscriber.close();
    publisher.close();
    await forwarder.stop();
  },
  async virtual() {
    const { VirtualBus, Signal } = await load("@sunflare/virtual");
    const bus = new VirtualBus();
    const emitter = { sigSender: new Signal() };
    bus.registerSignals(emitter, { name: "Emitter" });
    let received;
    bus.signals("Emitter").sigSender.connect((x) => (received = x));
    emitter.sigSender.emit(10);
    assert.equal(received, 10);
    const subscriber = bus.connectSubscriber("t");
    const publisher = bus.connectPublisher();
    await subscriber.ready();
    await publisher.send("t", [1, 2]);
    assert.deepEqual((await subscriber.receive()).value, [1, 2]);
    await bus.shutdown();

    // A placed member starts from the installed package's own entry.
    const { inProcess, inWorker, launch } = await load("@sunflare/virtual");
    writeFileSync(
      "placed.mjs",
      `import { Signal } from "@sunflare/virtual";
      export default (bus, name) => ({
        sigHi: new Signal(),
        registrationPhase() { bus.registerSignals(this, { name }); },
        connectionPhase() { bus.connect("Host", "sigGo", (n) => this.sigHi.emit(name + n)); },
      });`,
    );
    const host = new VirtualBus();
    const heard = [];
    let heardBoth;
    const both = new Promise((resolve) => (heardBoth = resolve));
    const hostPlugin = {
      sigGo: new Signal(),
      registrationPhase: () => host.registerSignals(hostPlugin, { name: "Host" }),
      connectionPhase: () => {
        for (const member of ["W", "P"]) {
          host.connect(member, "sigHi", (text) => heard.push(text) === 2 && heardBoth());
        }
      },
    };
    const placed = pathToFileURL("placed.mjs");
    const session = await launch(host, [
      hostPlugin,
      inWorker(placed, { data: "W" }),
      inProcess(placed, { data: "P" }),
    ]);
    hostPlugin.sigGo.emit(1);
    await both;
    assert.deepEqual(heard.sort(), ["P1", "W1"]);
    await session.shutdown();
  },
  async record() {
    const { VirtualBus, Signal } = await load("@sunflare/virtual");
    const { record, readInfo } = await load("@sunflare/record");
    const bus = new VirtualBus();
    const camera = { sigFrame: new Signal() };
    bus.registerSignals(camera, { name: "Camera" });
    const recorder = await record(bus, {
      file: "session.mcap",
      topics: [],
      signals: ["Camera.sigFrame"],
    });
    const written = new Promise((resolve) => recorder.once("message", resolve));
    camera.sigFrame.emit(1);
    await written;
    await recorder.stop();
    await bus.shutdown();
    const info = await readInfo("session.mcap");
    assert.deepEqual(
      info.channels.map(({ topic, messages }) => [topic, messages]),
      [["Camera.sigFrame", 1]],
    );
  },
  async cli() {
    const { main } = await load("@sunflare/cli");
    assert.equal(typeof main, "function");
    // The installed bin, as a user runs it, against a named bus started here.
    const runtime = mkdtempSync(join(tmpdir(), "sunflare-smoke-"));
    const env = { ...process.env, SUNFLARE_RUNTIME_DIR: runtime, NO_COLOR: "1" };
    const sunflare = (...args) =>
      promisify(execFile)(join("node_modules", ".bin", "sunflare"), args, { env });
    try {
      assert.match((await sunflare("--help")).stdout, /Usage: sunflare/);
      assert.deepEqual(JSON.parse((await sunflare("ls", "--json")).stdout), []);
      process.env.SUNFLARE_RUNTIME_DIR = runtime;
      const { VirtualBus, Signal } = await load("@sunflare/virtual");
      const bus = new VirtualBus({ name: "smoke" });
      bus.registerSignals({ sigFrame: new Signal() }, { name: "Camera" });
      await bus.ready();
      const members = JSON.parse((await sunflare("members", "--json", "--settle", "0")).stdout);
      assert.deepEqual(
        members.map((member) => member.owners),
        [["Camera"]],
      );
      await bus.shutdown();
    } finally {
      rmSync(runtime, { recursive: true, force: true });
    }
  },
};

await checks[name]();
console.log(`@sunflare/${name} works from ${mode}()`);
