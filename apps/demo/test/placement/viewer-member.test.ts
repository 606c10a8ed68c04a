import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inProcess, inWorker, launch, VirtualBus } from "@sunflare/virtual";
import { PNG } from "pngjs";
import { Camera } from "../../src/plugins/camera.js";
import { AcquisitionController } from "../../src/plugins/controller.js";
import { ReportListener, ViewerFailed } from "../../src/plugins/report-listener.js";
import { Stage } from "../../src/plugins/stage.js";
import type { ViewerOptions } from "../../src/plugins/viewer.js";

const VIEWER_MEMBER = new URL("../../src/placement/viewer-member.ts", import.meta.url);
/** The member loads this repository's sources, as the demo does. */
const execArgv = ["--conditions=@sunflare/source"];

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sunflare-demo-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 2x1 scan of 3 frames per tile, the viewer placed in a worker thread or a child process. */
async function start(kind: "worker" | "process", outDir = dir) {
  const bus = new VirtualBus();
  const viewer: ViewerOptions = {
    display: { mode: "silent", palette: "ascii", columns: 80, rows: 24 },
    outDir,
    pngDepth: 16,
    label: kind,
  };
  const plan = { tilesX: 2, tilesY: 1, framesPerTile: 3, stepX: 20, stepY: 10, exposureMs: 5 };
  const controller = new AcquisitionController(bus, { ...plan, subscribers: 1 });
  const listener = new ReportListener(bus);
  const session = await launch(bus, [
    new Stage(bus, { speed: 100, settleMs: 1 }),
    new Camera(bus, { width: 64, height: 48, fps: 500, subscribers: 1 }),
    controller,
    (kind === "worker" ? inWorker : inProcess)(VIEWER_MEMBER, {
      name: "viewer",
      data: viewer,
      execArgv,
    }),
    listener,
  ]);
  return { session, controller, listener };
}

test.each(["worker", "process"] as const)(
  "a viewer placed in a %s gets every frame, saves the PNG and reports through its signal",
  async (kind) => {
    const { session, controller, listener } = await start(kind);
    try {
      // launch resolved: the host's connections to the viewer's signals are live.
      const wiring = await session.wiring();
      expect(wiring.filter((entry) => entry.owner === "Viewer")).toEqual([
        expect.objectContaining({ signal: "sigFinished", member: "host", remote: true }),
        expect.objectContaining({ signal: "sigFailed", member: "host", remote: true }),
      ]);
      expect(wiring.every((entry) => entry.state === "live")).toBe(true);

      const [sent, report] = await Promise.all([controller.scan(), listener.report]);
      expect(sent).toBe(6);
      expect(report).toMatchObject({ sent: 6, received: 6, lost: 0, width: 64, height: 48 });
      expect(report.png).toBe(join(dir, "last-frame.png"));
      const png = PNG.sync.read(await readFile(report.png!), { skipRescale: true });
      expect([png.width, png.height, png.depth]).toEqual([64, 48, 16]);
    } finally {
      await session.shutdown();
    }
  },
);

test("a placed viewer that fails says why through sigFailed", async () => {
  // A file where the PNG's directory should be: writing it fails.
  const file = join(dir, "not-a-directory");
  await writeFile(file, "");
  const { session, controller, listener } = await start("worker", join(file, "out"));
  try {
    const [scanned, reported] = await Promise.allSettled([controller.scan(), listener.report]);
    expect(scanned).toEqual({ status: "fulfilled", value: 6 });
    expect(reported).toMatchObject({ status: "rejected", reason: expect.any(ViewerFailed) });
    expect((reported as PromiseRejectedResult).reason).toHaveProperty(
      "message",
      expect.stringMatching(/^the viewer failed: ENOTDIR/),
    );
  } finally {
    await session.shutdown();
  }
});
