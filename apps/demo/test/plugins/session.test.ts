import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Forwarder, Publisher, Subscriber } from "@sunflare/forwarder";
import { CallError, SignalRegistry } from "@sunflare/signal";
import { PNG } from "pngjs";
import { Camera } from "../../src/plugins/camera.js";
import type { ScanProgress } from "../../src/plugins/messages.js";
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
    // (The stage connects to nothing: it has no connection phase.)
    for (const plugin of [camera, controller, viewer]) await plugin.connectionPhase();

    const positions: number[][] = [];
    bus.properties("Stage").position.changed.connect((at) => positions.push(at));
    const exposures: number[] = [];
    bus.properties("Camera").exposure.changed.connect((ms) => exposures.push(ms));
    const tiles: number[][] = [];
    const progress = bus.connectSubscriber(["scan/progress"]);
    await progress.ready();

    // The viewer listens once its connection phase is over; it reports by its signal.
    const finished = bus.signals("Viewer").sigFinished.next();
    const [sent, [report]] = await Promise.all([controller.scan(), finished]);

    expect(sent).toBe(12);
    expect(report).toMatchObject({ sent: 12, received: 12, lost: 0, width: 64, height: 48 });
    // The controller's scan/progress says where each call of moveTo ended.
    for await (const message of progress) {
      tiles.push((message.value as ScanProgress).position);
      if (tiles.length === 4) break;
    }
    expect(tiles).toEqual([
      [0, 0],
      [20, 0],
      [20, 10],
      [0, 10],
    ]);
    // The stage's position followed the moves (a fast stage: one report per move).
    expect(positions).toEqual(tiles);
    expect(bus.properties("Stage").position.value).toEqual([0, 10]);
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

  it("refuses a non-positive exposure and announces a valid one", async () => {
    const { bus, close } = makeBus(forwarder);
    const camera = new Camera(bus, { width: 8, height: 8, fps: 10 });
    camera.registrationPhase();
    const { exposure } = bus.properties("Camera");
    expect(exposure.value).toBe(20);
    const changes: number[] = [];
    exposure.changed.connect((ms) => changes.push(ms));
    const refused = await exposure.set(0).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CallError);
    expect(refused).toMatchObject({
      code: "remote",
      remote: { name: "RangeError", message: "Camera: exposure must be positive, got 0" },
    });
    await expect(exposure.set(12.5)).resolves.toBe(12.5);
    expect([camera.exposure.value, changes]).toEqual([12.5, [12.5]]);
    close();
  });

  it("moves the stage by a call: positions on the way, then where it settled", async () => {
    const bus = new SignalRegistry();
    const stage = new Stage(bus, { speed: 1, settleMs: 1, reportMs: 10 });
    stage.registrationPhase();
    const { position } = bus.properties("Stage");
    const seen: number[][] = [];
    position.changed.connect((at) => seen.push(at));
    const move = bus.call("Stage", "moveTo", [30, 40]); // 50 µm at 1 µm/ms: 5 reports
    const progress: unknown[] = [];
    move.progress.connect((at) => progress.push(at));
    await expect(move).resolves.toEqual([30, 40]);
    expect(progress).toEqual([
      [6, 8],
      [12, 16],
      [18, 24],
      [24, 32],
      [30, 40],
    ]);
    expect(seen).toEqual(progress);
    // Only the stage moves its position.
    await expect(position.set([1, 1])).rejects.toMatchObject({ code: "remote" });
    expect(position.value).toEqual([30, 40]);
    stage.shutdown();
  });

  it("stops the stage where it is when the move is cancelled", async () => {
    const bus = new SignalRegistry();
    const stage = new Stage(bus, { speed: 1, settleMs: 1, reportMs: 10 });
    stage.registrationPhase();
    const move = bus.call("Stage", "moveTo", [0, 100]);
    const [first] = await move.progress.next();
    move.cancel();
    await expect(move).rejects.toMatchObject({ code: "aborted" });
    expect(first).toEqual([0, 10]);
    const stopped = bus.properties("Stage").position.value;
    expect(stopped[1]).toBeLessThan(100);
    // A new move starts from there.
    const next = bus.call("Stage", "moveTo", [0, 0]);
    const [from] = (await next.progress.next()) as [[number, number]];
    expect(from[1]).toBeLessThan(stopped[1]);
    await expect(next).resolves.toEqual([0, 0]);
    stage.shutdown();
  });
});
