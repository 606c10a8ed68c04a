import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MemberInfo } from "@sunflare/virtual";
import { startCameraHost, sunflare } from "./helpers.js";
import type { CameraHost } from "./helpers.js";

let runtime: string;
let host: CameraHost;

beforeAll(async () => {
  runtime = mkdtempSync(join(tmpdir(), "sunflare-cli-"));
  host = startCameraHost(runtime, "scope", 20);
  await host.ready;
});
afterAll(async () => {
  await host.stop();
  rmSync(runtime, { recursive: true, force: true });
});

describe("sunflare ls, members, signals, wiring", () => {
  it("ls --json lists the named bus with its pid", async () => {
    const { code, stdout } = await sunflare(runtime, "ls", "--json");
    expect(code).toBe(0);
    const buses = JSON.parse(stdout) as { name: string; pid: number }[];
    expect(buses.map((bus) => [bus.name, bus.pid])).toEqual([["scope", host.child.pid]]);
  });

  it("members --json is MemberInfo[] with the host's owner (the CLI's own member left out)", async () => {
    const { code, stdout } = await sunflare(
      runtime,
      "members",
      "--bus",
      "scope",
      "--json",
      "--settle",
      "0",
    );
    expect(code).toBe(0);
    const members = JSON.parse(stdout) as MemberInfo[];
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ owners: ["Camera"], here: false });
    expect(typeof members[0]!.member).toBe("string");
  });

  it("signals lists signals, slots and properties with their current values", async () => {
    const text = await sunflare(runtime, "signals", "--settle", "0");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("signal    sigFrame");
    expect(text.stdout).toContain("slot      acquire()");
    expect(text.stdout).toContain("property  exposure = 10");
    const json = await sunflare(runtime, "signals", "--json", "--settle", "0");
    const owners = JSON.parse(json.stdout) as {
      owner: string;
      signals: string[];
      slots: string[];
      properties: object;
    }[];
    expect(owners).toEqual([
      expect.objectContaining({
        owner: "Camera",
        signals: ["sigFrame", "sigTrigger"],
        slots: ["acquire", "hold"],
        properties: { exposure: 10 },
      }),
    ]);
  });

  it("wiring --unconnected --json lists the signals no known connection reaches", async () => {
    const { code, stdout } = await sunflare(
      runtime,
      "wiring",
      "--unconnected",
      "--json",
      "--settle",
      "0",
    );
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { owner: string; signal: string }[];
    expect(rows.map((row) => `${row.owner}.${row.signal}`)).toEqual([
      "Camera.sigFrame",
      "Camera.sigTrigger",
    ]);
  });

  it("--address FILE joins the bus at the address in a file", async () => {
    const address = JSON.parse((await sunflare(runtime, "ls", "--json")).stdout) as {
      address: unknown;
    }[];
    const file = join(runtime, "address.json");
    writeFileSync(file, JSON.stringify(address[0]!.address));
    const { code, stdout } = await sunflare(
      runtime,
      "members",
      "--address",
      file,
      "--json",
      "--settle",
      "0",
    );
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as MemberInfo[])[0]!.owners).toEqual(["Camera"]);
  });

  it("errors say what exists and exit non-zero", async () => {
    const noBus = await sunflare(runtime, "members", "--bus", "nope");
    expect(noBus.code).toBe(1);
    expect(noBus.stderr).toContain('No bus named "nope" is running; running: scope');
    const noOwner = await sunflare(runtime, "get", "Stage.position");
    expect(noOwner.code).toBe(1);
    expect(noOwner.stderr).toContain('No owner "Stage" on this bus; owners: Camera');
    const noSlot = await sunflare(runtime, "call", "Camera.snap");
    expect(noSlot.code).toBe(1);
    expect(noSlot.stderr).toContain('Camera has no slot "snap"; its slots: acquire, hold');
    const badJson = await sunflare(runtime, "emit", "Camera.sigTrigger", "not-json");
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toContain("is not JSON");
    const usage = await sunflare(runtime, "echo");
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toContain("missing required argument");
  });
});
