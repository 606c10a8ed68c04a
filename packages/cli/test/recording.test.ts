import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, startCameraHost, sunflare } from "./helpers.js";

let runtime: string;

beforeAll(() => {
  runtime = mkdtempSync(join(tmpdir(), "sunflare-cli-"));
});
afterAll(() => rmSync(runtime, { recursive: true, force: true }));

interface Info {
  messages: number;
  start: number;
  end: number;
  channels: { topic: string; messages: number }[];
}

describe("sunflare record, info, play", () => {
  const file = (): string => join(runtime, "session.mcap");

  it("records a signal and a topic for --duration, and info --json describes the file", async () => {
    const host = startCameraHost(runtime, "scope", 30);
    await host.ready;
    const recorded = await sunflare(
      runtime,
      "record",
      "-o",
      file(),
      "Camera.sigFrame",
      "camera/frames",
      "--duration",
      "1.5",
    );
    await host.stop();
    expect(recorded.code).toBe(0);
    expect(recorded.stderr).toMatch(/recorded \d+ messages on 2 channels/);
    expect(existsSync(file())).toBe(true);

    const { code, stdout } = await sunflare(runtime, "info", file(), "--json");
    expect(code).toBe(0);
    const info = JSON.parse(stdout) as Info;
    expect(Object.keys(info).sort()).toEqual(["channels", "end", "messages", "start"]);
    expect(info.channels.map((channel) => channel.topic).sort()).toEqual([
      "Camera.sigFrame",
      "camera/frames",
    ]);
    for (const channel of info.channels) expect(channel.messages).toBeGreaterThan(10);
    expect(info.messages).toBe(info.channels[0]!.messages + info.channels[1]!.messages);
    expect(info.end).toBeGreaterThan(info.start);

    const text = await sunflare(runtime, "info", file());
    expect(text.stdout).toContain("Camera.sigFrame");
  });

  it("plays the recording into a bus with no camera: a slot connected by name receives the frames", async () => {
    const viewer = startCameraHost(runtime, "viewer", 0);
    await viewer.ready;
    const playing = start(runtime, ["play", file(), "--bus", "viewer", "--loop"]);
    expect(typeof (await viewer.next("frame"))).toBe("number");
    playing.child.kill("SIGINT");
    const { code, stderr } = await playing.done;
    expect(code).toBe(0);
    expect(stderr).toMatch(/played \d+ messages/);
    await viewer.stop();
  });

  it("info on a file that is not a recording says so and exits 1", async () => {
    const { code, stderr } = await sunflare(runtime, "info", join(runtime, "missing.mcap"));
    expect(code).toBe(1);
    expect(stderr).toContain("Cannot read");
  });
});
