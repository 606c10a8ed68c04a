import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { MemberExit, PlacementOptions, Session } from "../src/index.js";
import { inProcess, inWorker, launch, Signal, VirtualBus } from "../src/index.js";
import type { Journal, ProbeData } from "./fixtures/probe.js";
import { PlacedMember } from "../src/placed-member.js";
import { fixture, recordingLogger } from "./helpers.js";

const PROBE = pathToFileURL(fixture("probe.ts"));
/** The members load this repository's sources, as the tests do. */
const execArgv = ["--conditions=@sunflare/source"];

function probe(kind: "worker" | "process", data: ProbeData, options: PlacementOptions = {}) {
  const place = kind === "worker" ? inWorker : inProcess;
  return place(PROBE, { name: data.name, data, execArgv, ...options });
}

/** The host's test plugin: owns sigAsk, and hears every probe's reports. */
class Test {
  readonly sigAsk = new Signal<[string]>();
  readonly reports = new Map<string, Journal>();
  readonly heard: string[] = [];
  readonly log: string[];
  #onReport: (() => void) | undefined;

  constructor(
    private readonly bus: VirtualBus,
    private readonly probes: readonly string[],
    log: string[] = [],
  ) {
    this.log = log;
  }

  registrationPhase(): void {
    this.bus.registerSignals(this);
  }

  connectionPhase(): void {
    for (const name of this.probes) {
      this.bus.connect(name, "sigReport", (journal: Journal) => {
        this.reports.set(journal.name, journal);
        this.#onReport?.();
      });
      this.bus.connect(name, "sigHeard", (who: string, peer: string) => {
        this.heard.push(`${who} heard ${peer}`);
        this.#onReport?.();
      });
    }
  }

  shutdown(): void {
    this.log.push("Test.shutdown");
  }

  /** Asks every probe for its journal; resolves once `expected` reports and `heard` arrived. */
  ask(expected: readonly string[], heard = 0): Promise<Map<string, Journal>> {
    this.reports.clear();
    this.heard.length = 0;
    return new Promise((resolve) => {
      this.#onReport = () => {
        if (expected.every((name) => this.reports.has(name)) && this.heard.length >= heard) {
          this.#onReport = undefined;
          resolve(this.reports);
        }
      };
      this.sigAsk.emit("report");
    });
  }
}

/** A plugin that only logs its shutdown. */
const marker = (name: string, log: string[]) => ({
  shutdown: () => void log.push(`${name}.shutdown`),
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const nextExit = (session: Session) =>
  new Promise<MemberExit>((resolve) => session.once("exit", resolve));

test("every registration phase runs before any connection phase, across the host, a worker and a child process; connections are live when launch resolves", async () => {
  const bus = new VirtualBus();
  const test = new Test(bus, ["W", "P"]);
  const session = await launch(bus, [
    probe("worker", { name: "W", peers: ["P"] }),
    probe("process", { name: "P", peers: ["W"] }),
    test,
  ]);
  try {
    // The host connected last, to signals owned elsewhere: live already.
    expect(bus.wiring().map((entry) => entry.state)).toEqual(["live", "live", "live", "live"]);
    // Emitted right after launch: every slot, in every member, receives.
    const reports = await test.ask(["W", "P"], 2);
    expect(test.heard.sort()).toEqual(["P heard W", "W heard P"]);
    const worker = reports.get("W")!;
    const child = reports.get("P")!;
    expect(worker.pid).toBe(process.pid);
    expect(worker.threadId).not.toBe(0);
    expect(child.pid).not.toBe(process.pid);
    const registrations = [worker, child].map((journal) => journal.registration!.at);
    const connections = [worker, child].map((journal) => journal.connection!.at);
    expect(worker.registration!.at).toBeLessThan(child.registration!.at);
    expect(Math.max(...registrations)).toBeLessThan(Math.min(...connections));
    expect(worker.connection!.at).toBeLessThan(child.connection!.at);
    // Each connection phase saw every registration, made anywhere.
    for (const journal of [worker, child]) {
      expect(journal.connection!.names).toEqual(expect.arrayContaining(["Test", "W", "P"]));
    }
    expect(worker.registration!.names).not.toContain("Test");
  } finally {
    await session.shutdown();
  }
});

test("a placement that fails to start makes launch reject naming its module, after ending what started", async () => {
  const directory = mkdtempSync(join(tmpdir(), "sunflare-launch-"));
  const pidFile = join(directory, "pid");
  const log: string[] = [];
  const bus = new VirtualBus();
  const logger = recordingLogger();
  const launched = launch(
    bus,
    [
      marker("host", log),
      probe("process", { name: "Fine", pidFile }),
      probe("worker", { name: "Refuses", throwInFactory: true }),
    ],
    { logger },
  );
  await expect(launched).rejects.toThrow(
    `inWorker(${PROBE.href}) failed to start: Refuses refuses to start`,
  );
  // The rejection is the report: no crash is logged besides.
  expect(logger.errors).toEqual([]);
  expect(log).toEqual(["host.shutdown"]);
  expect(bus.isShutdown).toBe(true);
  expect(isRunning(Number(readFileSync(pidFile, "utf8")))).toBe(false);
});

test("a missing module and a member that cannot start are named too", async () => {
  const missing = new URL("./no-such-plugin.js", PROBE);
  await expect(
    launch(new VirtualBus(), [inWorker(missing, { execArgv })], { logger: recordingLogger() }),
  ).rejects.toThrow(`inWorker(${missing.href}) failed to start`);
  await expect(
    launch(new VirtualBus(), [probe("process", { name: "P" }, { execArgv: ["--no-such-flag"] })], {
      logger: recordingLogger(),
    }),
  ).rejects.toThrow(`inProcess(${PROBE.href}) failed to start`);
});

test("a worker that refuses its execArgv fails to start at once, and leaves no deadline running", async () => {
  jest.useFakeTimers();
  try {
    const placement = inWorker(PROBE, { execArgv: ["--no-such-flag"] });
    const member = new PlacedMember(placement, {
      timeoutMs: 1000,
      exitTimeoutMs: 1000,
      logger: recordingLogger(),
    });
    const address = { publishAddress: "inproc://a", subscribeAddress: "inproc://b", host: "h" };
    await expect(
      member.start({ address, heartbeatMs: undefined, missedHeartbeats: undefined }),
    ).rejects.toThrow(`inWorker(${PROBE.href}) failed to start: `);
    // A deadline left running would reject, unhandled, once it passed.
    expect(jest.getTimerCount()).toBe(0);
    await member.stop();
  } finally {
    jest.useRealTimers();
  }
});

test.each([
  ["worker", "exit", { code: 3, signal: null }],
  ["worker", "uncaught", { code: 1, signal: null }],
  ["process", "exit", { code: 3, signal: null }],
  ["process", "SIGKILL", { code: null, signal: "SIGKILL" }],
] as const)(
  "a %s member that crashes (%s) is reported, its registrations go, and the rest keeps running",
  async (kind, how, ended) => {
    const logger = recordingLogger();
    const bus = new VirtualBus();
    const test = new Test(bus, ["Crashy", "Steady"]);
    const session = await launch(
      bus,
      [test, probe(kind, { name: "Crashy" }), probe("worker", { name: "Steady" })],
      { logger },
    );
    try {
      const { pid } = (await test.ask(["Crashy", "Steady"])).get("Crashy")!;
      const exited = nextExit(session);
      if (how === "SIGKILL") process.kill(pid, "SIGKILL");
      else test.sigAsk.emit(`${how} Crashy`);
      expect(await exited).toMatchObject({ name: "Crashy", expected: false, ...ended });
      expect(bus.has("Crashy")).toBe(false);
      expect(logger.errors).toEqual([expect.stringContaining(`(${PROBE.href}) ended`)]);
      expect((await test.ask(["Steady"])).has("Steady")).toBe(true);
    } finally {
      await session.shutdown();
    }
  },
);

test("shutdown goes in reverse launch order, members included, and waits for their exits", async () => {
  const log: string[] = [];
  const bus = new VirtualBus();
  const test = new Test(bus, ["W", "P"], log);
  const session = await launch(bus, [
    test,
    probe("process", { name: "P" }),
    marker("between", log),
    probe("worker", { name: "W" }),
    marker("last", log),
  ]);
  const { pid } = (await test.ask(["W", "P"])).get("P")!;
  session.on("exit", ({ name, expected }) =>
    log.push(`${name} exited${expected ? "" : " (crash)"}`),
  );
  await session.shutdown();
  expect(log).toEqual([
    "last.shutdown",
    "W exited",
    "between.shutdown",
    "P exited",
    "Test.shutdown",
  ]);
  expect(isRunning(pid)).toBe(false);
  expect(bus.isShutdown).toBe(true);
});

test.each(["worker", "process"] as const)(
  "a %s member whose plugin never finishes shutting down leaves after exitTimeoutMs",
  async (kind) => {
    const bus = new VirtualBus();
    const test = new Test(bus, ["Stuck"]);
    const session = await launch(
      bus,
      [test, probe(kind, { name: "Stuck", hangOnShutdown: true })],
      {
        logger: recordingLogger(),
        exitTimeoutMs: 300,
      },
    );
    const { pid } = (await test.ask(["Stuck"])).get("Stuck")!;
    const exited = nextExit(session);
    await expect(session.shutdown()).rejects.toMatchObject({
      errors: [
        new Error("The plugins of Stuck did not shut down within 300 ms; it left the bus anyway."),
      ],
    });
    expect(await exited).toMatchObject({ code: 0, signal: null, expected: true });
    if (kind === "process") expect(isRunning(pid)).toBe(false);
  },
);

test("a child process whose thread is blocked at shutdown is killed", async () => {
  const logger = recordingLogger();
  const bus = new VirtualBus();
  const session = await launch(
    bus,
    [new Test(bus, []), probe("process", { name: "Spinning", spinOnShutdown: true })],
    {
      logger,
      exitTimeoutMs: 200,
    },
  );
  const exited = nextExit(session);
  await session.shutdown();
  expect(await exited).toMatchObject({ signal: "SIGKILL", expected: true });
  expect(logger.warnings).toContainEqual(
    `inProcess(${PROBE.href}) did not exit after shutting down; it was ended.`,
  );
});

test("the wiring lists every connection with both ends; launch warns once about those pending", async () => {
  const logger = recordingLogger();
  const bus = new VirtualBus();
  const test = new Test(bus, ["W"]);
  const session = await launch(bus, [test, probe("worker", { name: "W", dangling: true })], {
    logger,
  });
  try {
    expect(logger.warnings).toEqual([
      "1 connection(s) still pending after the connection phase (is a name misspelt, or its owner not launched?): Nobody.sigMissing → W: waitsForNobody.",
    ]);
    const wiring = await session.wiring();
    expect(wiring).toEqual(
      expect.arrayContaining([
        {
          owner: "W",
          signal: "sigReport",
          slot: "(anonymous)",
          state: "live",
          remote: true,
          member: "host",
        },
        {
          owner: "Test",
          signal: "sigAsk",
          slot: "(anonymous)",
          state: "live",
          remote: true,
          member: "W",
        },
        {
          owner: "Nobody",
          signal: "sigMissing",
          slot: "waitsForNobody",
          state: "pending",
          remote: false,
          member: "W",
        },
      ]),
    );
    expect(wiring).toHaveLength(4);
    expect(bus.wiring()).toEqual(
      wiring.filter((entry) => entry.member === "host").map(({ member: _, ...entry }) => entry),
    );
  } finally {
    await session.shutdown();
  }
});

test("inProcess joins an ipc or tcp bus at its own address", async () => {
  for (const transport of ["ipc", "tcp"] as const) {
    const bus = new VirtualBus({ forwarder: { transport } });
    const test = new Test(bus, ["P"]);
    const session = await launch(bus, [test, probe("process", { name: "P" })]);
    try {
      expect((await test.ask(["P"])).get("P")!.pid).not.toBe(process.pid);
    } finally {
      await session.shutdown();
    }
  }
});

test("placements take file URLs and paths, and refuse bare specifiers", () => {
  expect(inWorker("./plugins/viewer.js").module).toBe(
    pathToFileURL(join(process.cwd(), "plugins/viewer.js")).href,
  );
  expect(inProcess(PROBE).name).toBe("probe");
  expect(String(inProcess(PROBE.href, { name: "x" }))).toBe(`inProcess(${PROBE.href})`);
  expect(() => inWorker("viewer")).toThrow(/bare specifier "viewer"/);
  expect(() => inWorker("https://example.org/viewer.js")).toThrow(/file: URL or a path/);
});

test("a placement listed twice is refused before anything starts", async () => {
  const placement = probe("worker", { name: "W" });
  const bus = new VirtualBus();
  await expect(launch(bus, [placement, placement])).rejects.toThrow(/listed twice/);
  expect(bus.isShutdown).toBe(true);
});
