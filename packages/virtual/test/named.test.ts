import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tsArgs } from "@sunflare/jest-config/run-ts";
import {
  isBusName,
  isSunflareError,
  namedBusDirectory,
  namedBuses,
  namedBusFile,
  VirtualBus,
} from "../src/index.js";
import { fixture } from "./helpers.js";

let runtime: string;
const previous = process.env.SUNFLARE_RUNTIME_DIR;

beforeEach(() => {
  runtime = mkdtempSync(join(tmpdir(), "sunflare-named-"));
  process.env.SUNFLARE_RUNTIME_DIR = runtime;
});
afterEach(() => {
  if (previous === undefined) delete process.env.SUNFLARE_RUNTIME_DIR;
  else process.env.SUNFLARE_RUNTIME_DIR = previous;
  rmSync(runtime, { recursive: true, force: true });
});

interface Host {
  readonly child: ChildProcess;
  readonly ready: Promise<number>;
  readonly exited: Promise<number | null>;
}

function startHost(name: string, transport = "inproc"): Host {
  const child = fork(fixture("named-host.ts"), [name, transport], {
    execArgv: tsArgs(),
    env: { ...process.env, SUNFLARE_RUNTIME_DIR: runtime },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal === null ? code : -1)),
  );
  const ready = new Promise<number>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { ready: number }).ready));
    void exited.then((code) => reject(new Error(`host exited (${code}) before it was ready`)));
  });
  return { child, ready, exited };
}

describe("named buses", () => {
  it("publishes a child's inproc bus under its name (0700 folder, 0600 file), joinable by name, removed at shutdown", async () => {
    const host = startHost("scope");
    const pid = await host.ready;
    const file = namedBusFile("scope");
    expect(file).toBe(join(runtime, "sunflare", "scope.json"));
    expect(statSync(join(runtime, "sunflare")).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(file, "utf8")) as {
      pid: number;
      address: { publishAddress: string };
    };
    expect(record.pid).toBe(pid);
    // inproc cannot cross processes: the published address is the ipc bridge.
    expect(record.address.publishAddress).toMatch(/^ipc:\/\//);
    expect(namedBuses().map((bus) => bus.name)).toEqual(["scope"]);

    const member = await VirtualBus.join("scope");
    expect(member.has("Camera")).toBe(true);
    expect(Object.keys(member.signals("Camera"))).toEqual(["sigFrame"]);
    await member.shutdown();

    host.child.send("shutdown");
    expect(await host.exited).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(namedBuses()).toEqual([]);
  });

  it("a CURVE bus's file holds the public server key only, and a joiner by name gets through", async () => {
    const host = startHost("secure", "curve");
    await host.ready;
    const text = readFileSync(namedBusFile("secure"), "utf8");
    const record = JSON.parse(text) as { address: Record<string, unknown> };
    expect(typeof record.address.curveServerKey).toBe("string");
    expect(text).not.toMatch(/secret/i);
    const member = await VirtualBus.join("secure");
    expect(member.has("Camera")).toBe(true);
    await member.shutdown();
    host.child.send("shutdown");
    expect(await host.exited).toBe(0);
  });

  it("ignores and cleans a killed host's leftover, and its name can be taken again", async () => {
    const host = startHost("scope", "ipc");
    await host.ready;
    host.child.kill("SIGKILL");
    await host.exited;
    expect(existsSync(namedBusFile("scope"))).toBe(true);
    expect(namedBuses()).toEqual([]);
    expect(existsSync(namedBusFile("scope"))).toBe(false);

    mkdirSync(namedBusDirectory(), { recursive: true });
    writeFileSync(
      namedBusFile("scope"),
      JSON.stringify({
        name: "scope",
        pid: 2 ** 22 + 7,
        started: "",
        address: { publishAddress: "ipc:///gone", subscribeAddress: "ipc:///gone", host: "x" },
      }),
    );
    const bus = new VirtualBus({ name: "scope" });
    await bus.ready();
    expect(namedBuses().map((found) => found.pid)).toEqual([process.pid]);
    await bus.shutdown();
    expect(existsSync(namedBusFile("scope"))).toBe(false);
  });

  it("refuses a second live bus of the same name with a clear error", async () => {
    const host = startHost("scope");
    await host.ready;
    let caught: unknown;
    try {
      new VirtualBus({ name: "scope" });
    } catch (error) {
      caught = error;
    }
    expect(isSunflareError(caught, "refused")).toBe(true);
    expect((caught as Error).message).toContain('A bus named "scope" is already running');
    host.child.send("shutdown");
    await host.exited;
  });

  it("join by an unknown name lists the names that exist; an address string is told apart from a name", async () => {
    await expect(VirtualBus.join("nothing")).rejects.toThrow(
      /No bus named "nothing" is running \(none is/,
    );
    const bus = new VirtualBus({ name: "lab" });
    await bus.ready();
    await expect(VirtualBus.join("nothing")).rejects.toMatchObject({
      code: "unknown",
      message: expect.stringContaining("running: lab") as unknown,
    });
    await expect(VirtualBus.join("tcp://127.0.0.1:5555")).rejects.toThrow(
      /is an address or a path, not a bus name/,
    );
    expect(isBusName("scope")).toBe(true);
    expect(isBusName("ipc:///tmp/x")).toBe(false);
    expect(() => new VirtualBus({ name: "../etc" })).toThrow(TypeError);
    await bus.shutdown();
  });
});
