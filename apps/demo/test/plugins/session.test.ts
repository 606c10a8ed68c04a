import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Forwarder, Publisher, Subscriber } from "@sunflare/forwarder";
import { SignalRegistry } from "@sunflare/signal";
import { PNG } from "pngjs";
import { Camera } from "../../src/plugins/camera.js";
import { AcquisitionController } from "../../src/plugins/controller.js";
import { Stage } from "../../src/plugins/stage.js";
import { Viewer } from "../../src/plugins/viewer.js";

/** The parts of a bus the plugins use, from the real layers: a registry and a forwarder. */
function makeBus(forwarder: Forwarder) {
  const sockets: { close(): void }[] = [];
  const bus = Object.assign(new SignalRegistry(), {
    connectPublisher: () => {
      const publisher = new Publisher(forwarder);
      sockets.push(publisher);
      return publisher;
    },
    connectSubscriber: (topics: readonly string[]) => {
      const subscriber = new Subscriber(forwarder, { topics });
      sockets.push(subscriber);
      return subscriber;
    },
  });
  return { bus, close: () => sockets.forEach((socket) => socket.close()) };
}

describe("a session of the four plugins", () => {
  let forwarder: Forwarder;
  let dir: string;

  beforeEach(async () => {
    forwarder = new Forwarder();
    await forwarder.start();
    dir = await mkdtemp(join(tmpdir(), "sunflare-demo-"));
  });

  afterEach(async () => {
    await forwarder.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("scans every tile, and the viewer gets every frame and saves the last", async () => {
    const { bus, close } = makeBus(forwarder);
    const stage = new Stage(bus, { speed: 100, settleMs: 1 });
    const camera = new Camera(bus, { width: 64, height: 48, fps: 500, subscribers: 1 });
    const plan = { tilesX: 2, tilesY: 2, framesPerTile: 3, stepX: 20, stepY: 10, exposureMs: 5 };
    const controller = new AcquisitionController(bus, { ...plan, subscribers: 1 });
    const viewer = new Viewer(bus, {
      display: { mode: "silent", palette: "ascii", columns: 80, rows: 24 },
      outDir: dir,
      pngDepth: 16,
      label: "test",
    });
    // What `launch` does: every registration phase, then every connection phase.
    const plugins = [stage, camera, controller, viewer];
    for (const plugin of plugins) plugin.registrationPhase();
    for (const plugin of plugins) await plugin.connectionPhase();

    const positions: number[][] = [];
    bus.signals("Stage").sigPositionChanged.connect((x, y) => positions.push([x, y]));
    const exposures: number[] = [];
    bus.signals("Camera").sigExposureChanged.connect((ms) => exposures.push(ms));

    // The viewer listens once its connection phase is over; it reports by its signal.
    const finished = bus.signals("Viewer").sigFinished.next();
    const [sent, [report]] = await Promise.all([controller.scan(), finished]);

    expect(sent).toBe(12);
    expect(report).toMatchObject({ sent: 12, received: 12, lost: 0, width: 64, height: 48 });
    expect(positions).toEqual([
      [0, 0],
      [20, 0],
      [20, 10],
      [0, 10],
    ]);
    expect(exposures).toEqual([5]);
    const png = PNG.sync.read(await readFile(join(dir, "last-frame.png")), { skipRescale: true });
    expect([png.width, png.height, png.depth]).toEqual([64, 48, 16]);

    for (const plugin of [...plugins].reverse()) await plugin.shutdown();
    close();
  });

  it("says what is missing when the controller has no stage to drive", () => {
    const { bus, close } = makeBus(forwarder);
    const controller = new AcquisitionController(bus, {
      tilesX: 1,
      tilesY: 1,
      framesPerTile: 1,
      stepX: 1,
      stepY: 1,
      exposureMs: 1,
    });
    controller.registrationPhase();
    expect(() => controller.connectionPhase()).toThrow(
      "AcquisitionController needs a Stage on the bus",
    );
    close();
  });

  it("refuses a non-positive exposure and announces a valid one", () => {
    const { bus, close } = makeBus(forwarder);
    const camera = new Camera(bus, { width: 8, height: 8, fps: 10 });
    const changes: number[] = [];
    camera.sigExposureChanged.connect((ms) => changes.push(ms));
    expect(() => camera.setExposure(0)).toThrow(RangeError);
    camera.setExposure(12.5);
    expect(changes).toEqual([12.5]);
    close();
  });
});
