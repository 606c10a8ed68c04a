import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MemberInfo } from "@sunflare/virtual";
import { start, startCameraHost, sunflare } from "./helpers.js";
import type { CameraHost } from "./helpers.js";

const RATE = 40;
let runtime: string;
let host: CameraHost;

beforeAll(async () => {
  runtime = mkdtempSync(join(tmpdir(), "sunflare-cli-"));
  host = startCameraHost(runtime, "scope", RATE);
  await host.ready;
});
afterAll(async () => {
  await host.stop();
  rmSync(runtime, { recursive: true, force: true });
});

const summary = {
  ndarray: { dtype: "uint16", shape: [2, 2], min: expect.any(Number) as unknown, max: 4000 },
};

describe("sunflare echo, hz, emit, call, get, set", () => {
  it("echo Owner.signal --json prints one line per emission, NDArrays summarised", async () => {
    const { code, stdout } = await sunflare(
      runtime,
      "echo",
      "Camera.sigFrame",
      "--count",
      "3",
      "--json",
    );
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line: string) => JSON.parse(line) as { topic: string; value: unknown[] });
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.topic).toBe("Camera.sigFrame");
      expect(line.value[0]).toEqual(summary);
    }
    const indices = lines.map((line) => line.value[1] as number);
    expect(indices[1]).toBe(indices[0]! + 1);
    expect(stdout).not.toContain("4000,3"); // the data itself is never dumped
  });

  it("echo TOPIC prints data messages", async () => {
    const { code, stdout } = await sunflare(runtime, "echo", "camera/frames", "-n", "2", "--json");
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line: string) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { topic: "camera/frames", value: summary },
      { topic: "camera/frames", value: summary },
    ]);
  });

  it("hz measures a signal's and a topic's rate within 10% of the true rate", async () => {
    for (const source of ["Camera.sigFrame", "camera/frames"]) {
      const { code, stdout } = await sunflare(
        runtime,
        "hz",
        source,
        "--window",
        "2",
        "--count",
        "1",
        "--json",
      );
      expect(code).toBe(0);
      const { hz } = JSON.parse(stdout.trim()) as { hz: number };
      expect(hz).toBeGreaterThan(RATE * 0.9);
      expect(hz).toBeLessThan(RATE * 1.1);
    }
  });

  it("emit sends JSON arguments to the owner's slots in the host process", async () => {
    const { code } = await sunflare(runtime, "emit", "Camera.sigTrigger", "5", '{"mode":"burst"}');
    expect(code).toBe(0);
    expect(await host.next("trigger")).toEqual([5, { mode: "burst" }]);
  });

  it("call prints the result on stdout and each progress value on stderr", async () => {
    const { code, stdout, stderr } = await sunflare(
      runtime,
      "call",
      "Camera.acquire",
      "4",
      "--timeout",
      "20000",
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ frames: 4 });
    expect(stderr.trim().split("\n")).toEqual([
      "Camera.acquire: 0.25",
      "Camera.acquire: 0.5",
      "Camera.acquire: 0.75",
      "Camera.acquire: 1",
    ]);
  });

  it("Ctrl-C during a call cancels it in the owner and exits 130", async () => {
    const running = start(runtime, ["call", "Camera.hold", "600"]);
    await running.line((line) => line === "Camera.hold: 1", "stderr");
    running.child.kill("SIGINT");
    const { code, stderr, stdout } = await running.done;
    expect(code).toBe(130);
    expect(stderr).toContain("Camera.hold was cancelled.");
    expect(stdout).toBe("");
    expect(await host.next("returned")).toBe(true);
  });

  it("get and set a property; a refused value says why and exits 1", async () => {
    expect((await sunflare(runtime, "get", "Camera.exposure")).stdout.trim()).toBe("10");
    const set = await sunflare(runtime, "set", "Camera.exposure", "25");
    expect(set.code).toBe(0);
    expect(set.stdout.trim()).toBe("25");
    expect((await sunflare(runtime, "get", "Camera.exposure")).stdout.trim()).toBe("25");
    const refused = await sunflare(runtime, "set", "Camera.exposure", "0");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("out of range");
    expect((await sunflare(runtime, "get", "Camera.exposure")).stdout.trim()).toBe("25");
  });

  it("SIGTERM during echo leaves the bus cleanly and exits 0", async () => {
    const running = start(runtime, ["echo", "Camera.sigFrame"]);
    await running.line((line) => line.startsWith("Camera.sigFrame"));
    host.child.send("members");
    const during = (await host.next("members")) as MemberInfo[];
    expect(during).toHaveLength(2);
    running.child.kill("SIGTERM");
    const { code } = await running.done;
    expect(code).toBe(0);
    // It said it was leaving: the host forgets it at once, not after missed heartbeats.
    const after = await new Promise<MemberInfo[]>((resolve) => {
      const ask = (): void => {
        host.child.once("message", (message: { members?: MemberInfo[] }) => {
          if (message.members?.length === 1) resolve(message.members);
          else ask();
        });
        host.child.send("members");
      };
      ask();
    });
    expect(after).toHaveLength(1);
  });
});
