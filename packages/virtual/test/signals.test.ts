import { launch, Signal, slot, VirtualBus } from "../src/index.js";
import { recordingLogger } from "./helpers.js";

// The signal scenarios of the original sunflare.virtual test-suite.

class Emitter {
  readonly sigSender = new Signal<[number]>();
  readonly sigOther = new Signal<[string]>();
}

let bus: VirtualBus;
beforeEach(() => {
  bus = new VirtualBus({ logger: recordingLogger() });
});
afterEach(() => bus.shutdown());

test("signals are registered under the class name and found by name", () => {
  const emitter = new Emitter();
  bus.registerSignals(emitter);
  expect(bus.has("Emitter")).toBe(true);
  expect(bus.names()).toEqual(["Emitter"]);
  const signals = bus.signals("Emitter");
  expect(Object.keys(signals).sort()).toEqual(["sigOther", "sigSender"]);
  expect(signals.sigSender).toBe(emitter.sigSender);
  const received: number[] = [];
  signals.sigSender!.connect((x: number) => void received.push(x));
  emitter.sigSender.emit(7);
  expect(received).toEqual([7]);
});

test("an unknown owner logs an error and returns an empty record", () => {
  const logger = recordingLogger();
  const quiet = new VirtualBus({ logger });
  const signals = quiet.signals("Unknown");
  expect(signals).toEqual({});
  expect(Object.isFrozen(signals)).toBe(true);
  expect(logger.errors).toEqual(["Class Unknown not found in the registry."]);
  expect(quiet.has("Unknown")).toBe(false);
  return quiet.shutdown();
});

test("`only` registers just the named signals", () => {
  bus.registerSignals(new Emitter(), { only: ["sigOther"] });
  expect(Object.keys(bus.signals("Emitter"))).toEqual(["sigOther"]);
});

test("an explicit name survives minification", () => {
  bus.registerSignals(new Emitter(), { name: "Camera" });
  expect(bus.has("Camera")).toBe(true);
  expect(bus.has("Emitter")).toBe(false);
});

test("two plugins connect to each other through the phases, whatever their order", async () => {
  class Sender {
    readonly sigPing = new Signal<[number]>();
    readonly pongs: number[] = [];
    constructor(private readonly bus: VirtualBus) {}
    registrationPhase(): void {
      this.bus.registerSignals(this);
    }
    connectionPhase(): void {
      this.bus.connect("Replier", "sigPong", this.onPong);
    }
    @slot onPong(value: number): void {
      this.pongs.push(value);
    }
  }
  class Replier {
    readonly sigPong = new Signal<[number]>();
    constructor(private readonly bus: VirtualBus) {}
    registrationPhase(): void {
      this.bus.registerSignals(this);
    }
    connectionPhase(): void {
      this.bus.connect("Sender", "sigPing", this.onPing);
    }
    @slot onPing(value: number): void {
      this.sigPong.emit(value * 2);
    }
  }
  // The sender connects to a replier that is constructed after it.
  const sender = new Sender(bus);
  const session = await launch(bus, [sender, new Replier(bus)]);
  sender.sigPing.emit(21);
  expect(sender.pongs).toEqual([42]);
  await session.shutdown();
});

test("connect() to a missing owner warns and establishes nothing; deferred waits for it", () => {
  const logger = recordingLogger();
  const local = new VirtualBus({ logger });
  const received: number[] = [];
  const missing = local.connect("Emitter", "sigSender", (x: number) => void received.push(x));
  expect(missing.connected).toBe(false);
  expect(logger.warnings).toHaveLength(1);
  const deferred = local.connect("Emitter", "sigSender", (x: number) => void received.push(x), {
    deferred: true,
  });
  expect(deferred.pending).toBe(true);
  const emitter = new Emitter();
  local.registerSignals(emitter);
  expect(deferred.connected).toBe(true);
  emitter.sigSender.emit(3);
  expect(received).toEqual([3]);
  return local.shutdown();
});
