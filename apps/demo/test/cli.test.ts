import { HELP, parseOptions } from "../src/cli.js";

describe("parseOptions", () => {
  it("has defaults for a short session", () => {
    expect(parseOptions([])).toEqual({
      width: 512,
      height: 512,
      tilesX: 2,
      tilesY: 2,
      framesPerTile: 25,
      fps: 30,
      exposureMs: 20,
      transport: "inproc",
      viewer: "main",
      outDir: "out",
      pngDepth: 8,
      json: false,
      plain: false,
      wiring: false,
      web: false,
      port: 0,
      help: false,
    });
  });

  it("reads every option, and ignores the -- that pnpm passes through", () => {
    const options = parseOptions(
      "-- --size 640x480 --tiles 3x1 --frames 5 --fps 60 --exposure 5 --transport tcp --viewer process --out /tmp/x --png-depth 16 --json --plain --wiring --web --port 8080".split(
        " ",
      ),
    );
    expect(options).toMatchObject({
      width: 640,
      height: 480,
      tilesX: 3,
      tilesY: 1,
      framesPerTile: 5,
      fps: 60,
      exposureMs: 5,
      transport: "tcp",
      viewer: "process",
      outDir: "/tmp/x",
      pngDepth: 16,
      json: true,
      plain: true,
      wiring: true,
      web: true,
      port: 8080,
    });
  });

  it("takes one number as a square size", () => {
    expect(parseOptions(["--size", "256"])).toMatchObject({ width: 256, height: 256 });
  });

  it.each([
    [["--size", "0x5"], '--size must be a positive integer, got "0"'],
    [["--size", "1x2x3"], "--size must look like 512x384"],
    [["--frames", "2.5"], "--frames must be a positive integer"],
    [["--port", "70000"], "--port must be a port number"],
    [["--fps", "fast"], "--fps must be a positive number"],
    [["--transport", "udp"], "--transport must be one of inproc, ipc, tcp"],
    [["--viewer", "gpu"], "--viewer must be one of main, worker, process"],
    [["--png-depth", "12"], "--png-depth must be one of 8, 16"],
    [["--colour"], "Unknown option '--colour'"],
  ])("rejects %j with a clear message", (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(message);
  });

  it("documents every option in --help", () => {
    for (const option of [
      "--size",
      "--tiles",
      "--frames",
      "--fps",
      "--exposure",
      "--transport",
      "--viewer",
      "--out",
      "--png-depth",
      "--json",
      "--plain",
      "--wiring",
      "--web",
      "--port",
      "--help",
    ]) {
      expect(HELP).toContain(option);
    }
    expect(parseOptions(["-h"]).help).toBe(true);
  });
});
