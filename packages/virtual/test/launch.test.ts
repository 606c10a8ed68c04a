import type { HasConnection, HasRegistration, HasShutdown } from "../src/index.js";
import {
  hasConnectionPhase,
  hasRegistrationPhase,
  hasShutdown,
  launch,
  VirtualBus,
} from "../src/index.js";
import { recordingLogger } from "./helpers.js";

function plugin(
  name: string,
  log: string[],
  options: { failIn?: string } = {},
): HasRegistration & HasConnection & HasShutdown {
  const step = async (phase: string): Promise<void> => {
    await Promise.resolve();
    log.push(`${name}.${phase}`);
    if (options.failIn === phase) throw new Error(`${name} failed in ${phase}`);
  };
  return {
    registrationPhase: () => step("registration"),
    connectionPhase: () => step("connection"),
    shutdown: () => step("shutdown"),
  };
}

test("launch runs every registration, then every connection; shutdown goes in reverse, then the bus", async () => {
  const log: string[] = [];
  const bus = new VirtualBus();
  const subscriber = bus.connectSubscriber();
  const session = await launch(bus, [plugin("a", log), { note: "no phases" }, plugin("b", log)]);
  expect(log).toEqual(["a.registration", "b.registration", "a.connection", "b.connection"]);
  log.length = 0;
  await Promise.all([session.shutdown(), session.shutdown()]);
  expect(log).toEqual(["b.shutdown", "a.shutdown"]);
  expect(bus.isShutdown).toBe(true);
  expect(subscriber.closed).toBe(true);
  expect(session.plugins).toHaveLength(3);
});

test("a plugin failing to shut down does not stop the others; it is logged, and shutdown rejects with every failure", async () => {
  const log: string[] = [];
  const logger = recordingLogger();
  const bus = new VirtualBus();
  const session = await launch(bus, [plugin("a", log), plugin("b", log, { failIn: "shutdown" })], {
    logger,
  });
  log.length = 0;
  const result = session.shutdown();
  await expect(result).rejects.toBeInstanceOf(AggregateError);
  await expect(result).rejects.toMatchObject({ errors: [new Error("b failed in shutdown")] });
  expect(log).toEqual(["b.shutdown", "a.shutdown"]);
  expect(logger.errors).toEqual(["Object failed to shut down."]);
  expect(bus.isShutdown).toBe(true);
});

test("a failing phase shuts down what was launched, with the bus, and launch rejects", async () => {
  const log: string[] = [];
  const bus = new VirtualBus();
  await expect(
    launch(bus, [plugin("a", log), plugin("b", log, { failIn: "connection" })]),
  ).rejects.toThrow("b failed in connection");
  expect(log).toEqual([
    "a.registration",
    "b.registration",
    "a.connection",
    "b.connection",
    "b.shutdown",
    "a.shutdown",
  ]);
  expect(bus.isShutdown).toBe(true);
});

test("a launch within one thread leaves a deferred connection waiting, without a warning", async () => {
  const logger = recordingLogger();
  const bus = new VirtualBus();
  const waits = {
    connectionPhase: () =>
      void bus.connect("Page", "sigOpened", () => undefined, { deferred: true }),
  };
  const session = await launch(bus, [waits], { logger });
  try {
    expect(await session.wiring()).toEqual([
      expect.objectContaining({ owner: "Page", state: "pending", member: "host" }),
    ]);
    expect(logger.warnings).toEqual([]);
  } finally {
    await session.shutdown();
  }
});

test("Session is async-disposable", async () => {
  const log: string[] = [];
  const session = await launch(new VirtualBus(), [plugin("a", log)]);
  await session[Symbol.asyncDispose]();
  expect(log).toContain("a.shutdown");
});

test("type guards recognise the phase methods", () => {
  const full = plugin("x", []);
  expect([hasRegistrationPhase(full), hasConnectionPhase(full), hasShutdown(full)]).toEqual([
    true,
    true,
    true,
  ]);
  for (const value of [{}, null, undefined, 3, { registrationPhase: 1 }]) {
    expect([hasRegistrationPhase(value), hasConnectionPhase(value), hasShutdown(value)]).toEqual([
      false,
      false,
      false,
    ]);
  }
  class WithMethods {
    shutdown(): void {}
  }
  expect(hasShutdown(new WithMethods())).toBe(true);
});
