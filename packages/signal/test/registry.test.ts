import type { Logger } from "../src/index.js";
import { defaultLogger, Signal, SignalRegistry, signalsOf } from "../src/index.js";
import type * as SignalModule from "../src/signal.js";

function recordingLogger(): Logger & { lines: [level: string, message: string][] } {
  const lines: [string, string][] = [];
  return {
    lines,
    debug: (message) => lines.push(["debug", message]),
    info: (message) => lines.push(["info", message]),
    warn: (message) => lines.push(["warn", message]),
    error: (message) => lines.push(["error", message]),
  };
}

class Emitter {
  sigSender = new Signal<[number]>();
  sigOther = new Signal<[string]>();
  notASignal = 5;

  registrationPhase(registry: SignalRegistry): void {
    registry.registerSignals(this);
  }
}

class Receiver {
  received: number[] = [];

  connectionPhase(registry: SignalRegistry, deferred = false): void {
    registry.connect("Emitter", "sigSender", (x: number) => this.received.push(x), { deferred });
  }
}

describe("the seed example", () => {
  it("an Emitter registers sigSender, a Receiver connects by name, emit(10) reaches it", () => {
    const logger = recordingLogger();
    const registry = new SignalRegistry({ logger });
    const emitter = new Emitter();
    const receiver = new Receiver();
    emitter.registrationPhase(registry);
    receiver.connectionPhase(registry);
    emitter.sigSender.emit(10);
    expect(receiver.received).toEqual([10]);
    expect(logger.lines.filter(([level]) => level !== "debug")).toEqual([]);
  });

  it("a Receiver connecting first logs a warning, connects nothing and does not crash", () => {
    const logger = recordingLogger();
    const registry = new SignalRegistry({ logger });
    const emitter = new Emitter();
    const receiver = new Receiver();
    expect(() => receiver.connectionPhase(registry)).not.toThrow();
    expect(logger.lines).toEqual([
      ["warn", "Class Emitter not found in the registry; sigSender not connected."],
    ]);
    emitter.registrationPhase(registry);
    emitter.sigSender.emit(10);
    expect(receiver.received).toEqual([]);
    expect(emitter.sigSender.size).toBe(0);
  });

  it("with deferred, a Receiver connecting first is connected once the Emitter registers", () => {
    const logger = recordingLogger();
    const registry = new SignalRegistry({ logger });
    const emitter = new Emitter();
    const receiver = new Receiver();
    receiver.connectionPhase(registry, true);
    expect(logger.lines.filter(([level]) => level === "warn" || level === "error")).toEqual([]);
    emitter.registrationPhase(registry);
    emitter.sigSender.emit(10);
    expect(receiver.received).toEqual([10]);
  });
});

describe("SignalRegistry", () => {
  it("registers every Signal field under the class name", () => {
    const registry = new SignalRegistry();
    const emitter = new Emitter();
    registry.registerSignals(emitter);
    expect(registry.has("Emitter")).toBe(true);
    expect(registry.names()).toEqual(["Emitter"]);
    const signals = registry.signals("Emitter");
    expect(Object.keys(signals)).toEqual(["sigSender", "sigOther"]);
    expect(signals.sigSender).toBe(emitter.sigSender);
    expect(Object.isFrozen(signals)).toBe(true);
  });

  it("narrows with only and renames with name", () => {
    const logger = recordingLogger();
    const registry = new SignalRegistry({ logger });
    registry.registerSignals(new Emitter(), { only: ["sigOther", "missing"], name: "Camera" });
    expect(registry.has("Emitter")).toBe(false);
    expect(Object.keys(registry.signals("Camera"))).toEqual(["sigOther"]);
    expect(logger.lines).toContainEqual([
      "warn",
      "Class Camera has no signal missing; not registered.",
    ]);
  });

  it("adds signals when the same owner registers again", () => {
    const registry = new SignalRegistry();
    const emitter = new Emitter();
    registry.registerSignals(emitter, { only: ["sigSender"] });
    registry.registerSignals(emitter, { only: ["sigOther"] });
    expect(Object.keys(registry.signals("Emitter"))).toEqual(["sigSender", "sigOther"]);
  });

  it("warns when another instance registers the same name, and replaces the first", () => {
    const logger = recordingLogger();
    const registry = new SignalRegistry({ logger });
    const first = new Emitter();
    const second = new Emitter();
    registry.registerSignals(first);
    const seen: number[] = [];
    const connection = registry.connect("Emitter", "sigSender", (x: number) => seen.push(x));
    registry.registerSignals(second);
    expect(logger.lines).toContainEqual([
      "warn",
      "Class Emitter registered again by a different instance; the new one replaces it.",
    ]);
    expect(registry.signals("Emitter").sigSender).toBe(second.sigSender);
    expect(connection.connected).toBe(false);
    first.sigSender.emit(1);
    expect(seen).toEqual([]);
  });

  it("logs exactly 'Class Unknown not found in the registry.' and returns a frozen empty record", () => {
    const logger = recordingLogger();
    const registry = new SignalRegistry({ logger });
    const signals = registry.signals("Unknown");
    expect(logger.lines).toEqual([["error", "Class Unknown not found in the registry."]]);
    expect(Object.keys(signals)).toEqual([]);
    expect(Object.isFrozen(signals)).toBe(true);
    expect(registry.has("Unknown")).toBe(false);
  });

  it("logs through console by default: errors and warnings only", () => {
    const error = jest.spyOn(console, "error").mockImplementation(() => {});
    const warn = jest.spyOn(console, "warn").mockImplementation(() => {});
    const debug = jest.spyOn(console, "debug").mockImplementation(() => {});
    try {
      const registry = new SignalRegistry();
      registry.signals("Unknown");
      registry.connect("Unknown", "sig", () => {});
      registry.registerSignals(new Emitter());
      expect(error).toHaveBeenCalledWith("Class Unknown not found in the registry.");
      expect(warn).toHaveBeenCalledTimes(1);
      expect(debug).not.toHaveBeenCalled();
      defaultLogger.info("quiet");
      defaultLogger.debug("quiet");
    } finally {
      error.mockRestore();
      warn.mockRestore();
      debug.mockRestore();
    }
  });

  it("warns about a missing signal of a registered owner", () => {
    const logger = recordingLogger();
    const registry = new SignalRegistry({ logger });
    registry.registerSignals(new Emitter());
    const connection = registry.connect("Emitter", "sigMissing", () => {});
    expect(logger.lines).toContainEqual([
      "warn",
      "Signal sigMissing not found in class Emitter; not connected.",
    ]);
    expect(connection.connected).toBe(false);
    expect(connection.pending).toBe(false);
    connection.disconnect();
  });

  it("waits for a signal added later to an already registered owner", () => {
    const registry = new SignalRegistry();
    const emitter = new Emitter();
    registry.registerSignals(emitter, { only: ["sigOther"] });
    const seen: number[] = [];
    const connection = registry.connect("Emitter", "sigSender", (x: number) => seen.push(x), {
      deferred: true,
    });
    expect(connection.pending).toBe(true);
    registry.registerSignals(emitter, { only: ["sigSender"] });
    expect(connection.pending).toBe(false);
    expect(connection.connected).toBe(true);
    emitter.sigSender.emit(3);
    expect(seen).toEqual([3]);
  });

  it("gives connect a handle that disconnects exactly what it made", () => {
    const registry = new SignalRegistry();
    const emitter = new Emitter();
    registry.registerSignals(emitter);
    const seen: string[] = [];
    const slot = (x: number): number => seen.push(`slot${x}`);
    emitter.sigSender.connect(slot);
    const connection = registry.connect("Emitter", "sigSender", slot);
    expect(connection.connected).toBe(true);
    expect(emitter.sigSender.size).toBe(2);
    connection.disconnect();
    connection.disconnect();
    expect(connection.connected).toBe(false);
    emitter.sigSender.emit(1);
    expect(seen).toEqual(["slot1"]);
  });

  it("cancels a pending deferred connection", () => {
    const registry = new SignalRegistry();
    const seen: number[] = [];
    const connection = registry.connect("Emitter", "sigSender", (x: number) => seen.push(x), {
      deferred: true,
    });
    connection.disconnect();
    expect(connection.pending).toBe(false);
    const emitter = new Emitter();
    registry.registerSignals(emitter);
    emitter.sigSender.emit(1);
    expect(seen).toEqual([]);
  });

  it("passes connect options through to the signal", () => {
    const registry = new SignalRegistry();
    const emitter = new Emitter();
    registry.registerSignals(emitter);
    const seen: string[] = [];
    registry.connect("Emitter", "sigSender", () => seen.push("low"));
    registry.connect("Emitter", "sigSender", () => seen.push("high"), { priority: 5 });
    registry.connect("Emitter", "sigSender", () => seen.push("once"), { once: true });
    emitter.sigSender.emit(1);
    emitter.sigSender.emit(2);
    expect(seen).toEqual(["high", "low", "once", "high", "low"]);
  });

  it("logs, not throws, when a deferred connection fails on registration", () => {
    const logger = recordingLogger();
    const registry = new SignalRegistry({ logger });
    const slot = (): void => {};
    const emitter = new Emitter();
    emitter.sigSender.connect(slot);
    const connection = registry.connect("Emitter", "sigSender", slot, {
      deferred: true,
      unique: "raise",
    });
    expect(() => registry.registerSignals(emitter)).not.toThrow();
    expect(connection.connected).toBe(false);
    expect(logger.lines).toContainEqual(["error", "Connecting to Emitter.sigSender failed."]);
  });

  it("rejects bad input clearly", () => {
    const registry = new SignalRegistry();
    expect(() => registry.registerSignals(null as never)).toThrow(TypeError);
    expect(() => registry.registerSignals(Object.create(null) as object)).toThrow(
      /pass options.name/,
    );
    expect(() => registry.connect("Emitter", "sigSender", "nope" as never)).toThrow(
      /must be a function/,
    );
  });

  it("registers a signal of another copy of the package and connects through its public API", () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const copy = require("../src/signal.ts") as typeof SignalModule;
      const owner = { sigForeign: new copy.Signal<[number]>() };
      const registry = new SignalRegistry();
      registry.registerSignals(owner, { name: "Foreign" });
      const seen: number[] = [];
      const connection = registry.connect("Foreign", "sigForeign", (x: number) => seen.push(x));
      owner.sigForeign.emit(7);
      connection.disconnect();
      owner.sigForeign.emit(8);
      expect(seen).toEqual([7]);
    });
  });
});

describe("signalsOf", () => {
  it("finds Signal fields by name, in declaration order", () => {
    const emitter = new Emitter();
    const found = signalsOf(emitter);
    expect([...found.keys()]).toEqual(["sigSender", "sigOther"]);
    expect(found.get("sigSender")).toBe(emitter.sigSender);
    expect(signalsOf({}).size).toBe(0);
  });
});

describe("connections", () => {
  it("lists both ends and the state, naming bound methods by their own name", () => {
    const registry = new SignalRegistry({ logger: recordingLogger() });
    registry.registerSignals(new Emitter());
    const receiver = { show(): void {} };
    registry.connect("Emitter", "sigSender", receiver.show.bind(receiver));
    registry.connect("Emitter", "sigOther", () => undefined);
    registry.connect("Later", "sigLate", function onLate() {}, { deferred: true });
    expect(registry.connections()).toEqual([
      { owner: "Emitter", signal: "sigSender", slot: "show", state: "live" },
      { owner: "Emitter", signal: "sigOther", slot: "(anonymous)", state: "live" },
      { owner: "Later", signal: "sigLate", slot: "onLate", state: "pending" },
    ]);
  });

  it("whenLive resolves for connections to this registry's own signals", async () => {
    const registry = new SignalRegistry();
    registry.registerSignals(new Emitter());
    registry.connect("Emitter", "sigSender", () => undefined);
    await expect(registry.whenLive()).resolves.toBeUndefined();
  });
});

describe("Connection state", () => {
  it("reports a connection undone elsewhere as not connected", () => {
    const registry = new SignalRegistry();
    const emitter = new Emitter();
    registry.registerSignals(emitter);
    const once = registry.connect("Emitter", "sigSender", () => {}, { once: true });
    const slot = (): void => {};
    const plain = registry.connect("Emitter", "sigSender", slot);
    emitter.sigSender.emit(1);
    expect(once.connected).toBe(false);
    expect(plain.connected).toBe(true);
    emitter.sigSender.disconnect(slot);
    expect(plain.connected).toBe(false);
    // Registering again neither revives nor breaks them.
    registry.registerSignals(emitter);
    expect(once.connected).toBe(false);
    expect(plain.connected).toBe(false);
    plain.disconnect();
  });
});
