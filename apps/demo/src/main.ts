/**
 * A simulated microscope session: four independent plugins on one bus.
 *
 *   pnpm demo -- --help
 */
import { resolve } from "node:path";
import { launch, VirtualBus } from "@sunflare/virtual";
import { HELP, parseOptions, type DemoOptions } from "./cli.js";
import { Camera } from "./plugins/camera.js";
import { AcquisitionController } from "./plugins/controller.js";
import { Stage } from "./plugins/stage.js";
import { Viewer, type ViewerOptions } from "./plugins/viewer.js";
import { RemoteViewer } from "./placement/remote-viewer.js";
import { startWebSession } from "./web/session.js";
import { detectPalette } from "./view/preview.js";

/** Micrometres of sample per camera pixel. */
const PIXEL_SIZE = 0.5;

async function main(options: DemoOptions): Promise<number> {
  if (options.web) return web(options);
  let { transport } = options;
  if (options.viewer === "process" && transport === "inproc") {
    // inproc endpoints live in one process; another process needs a socket.
    transport = "ipc";
    if (!options.json) console.log("The viewer runs in another process: using the ipc transport.");
  }

  const bus = new VirtualBus({ forwarder: { transport } });
  await bus.ready();

  const viewerOptions: ViewerOptions = {
    display: displayOptions(options),
    outDir: resolve(options.outDir),
    pngDepth: options.pngDepth,
    label: { main: "main thread", worker: "worker thread", process: "separate process" }[
      options.viewer
    ],
  };
  const viewer =
    options.viewer === "main"
      ? new Viewer(bus, viewerOptions)
      : new RemoteViewer(bus, options.viewer, viewerOptions);
  const controller = new AcquisitionController(bus, {
    tilesX: options.tilesX,
    tilesY: options.tilesY,
    framesPerTile: options.framesPerTile,
    // Neighbouring tiles overlap by 10%, as stitching software likes.
    stepX: 0.9 * options.width * PIXEL_SIZE,
    stepY: 0.9 * options.height * PIXEL_SIZE,
    exposureMs: options.exposureMs,
    subscribers: 1,
  });
  const plugins = [
    new Stage(bus),
    new Camera(bus, {
      width: options.width,
      height: options.height,
      fps: options.fps,
      pixelSize: PIXEL_SIZE,
      // The viewer may run in another thread or process: stream once it listens.
      subscribers: 1,
    }),
    controller,
    viewer,
  ];

  // If a phase fails, launch shuts down what it started, and the bus.
  const session = await launch(bus, plugins);
  try {
    await Promise.race([viewer.ready(), stopped]);
    const [sent, report] = await Promise.race([
      Promise.all([controller.scan(), viewer.finished]),
      stopped,
    ]);
    if (options.json) {
      const { received, lost, fps, mbps, p50, p99, png, width, height } = report;
      const round = (value: number) => Math.round(value * 1000) / 1000;
      const summary = {
        placement: options.viewer,
        transport,
        sent,
        received,
        lost,
        fps: round(fps),
        mbps: round(mbps),
        latencyMs: { p50: round(p50), p99: round(p99) },
        png,
        width,
        height,
      };
      console.log(JSON.stringify(summary, null, 2));
    }
    return 0;
  } finally {
    await session.shutdown();
  }
}

/** `--web`: serves the live view until Ctrl-C or the page's Stop. */
async function web(options: DemoOptions): Promise<number> {
  const session = await startWebSession({
    width: options.width,
    height: options.height,
    fps: options.fps,
    exposureMs: options.exposureMs,
    pixelSize: PIXEL_SIZE,
    web: { port: options.port },
  });
  try {
    console.log(`Live view: ${session.url}`);
    console.log("Open it in a browser; press Start there. Ctrl-C or Stop ends the session.");
    await Promise.race([session.stopped, stopped]);
    console.log("Stopped from the page.");
    return 0;
  } catch (error) {
    if (error instanceof Interrupted) return 0;
    throw error;
  } finally {
    await session.shutdown();
  }
}

class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}

// Ctrl-C, or an error that no plugin caught, ends the session through the same door.
const stop = new AbortController();
const stopped = new Promise<never>((_, reject) =>
  stop.signal.addEventListener("abort", () => reject(stop.signal.reason as Error)),
);
stopped.catch(() => undefined);
process.once("SIGINT", () => stop.abort(new Interrupted()));
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
    stop.abort(error);
  });
}

function displayOptions(options: DemoOptions): ViewerOptions["display"] {
  const tty = process.stdout.isTTY && !options.plain;
  return {
    mode: options.json ? "silent" : tty ? "tty" : "plain",
    palette: tty ? detectPalette(process.env, process.stdout.getColorDepth()) : "ascii",
    columns: process.stdout.columns ?? 80,
    rows: process.stdout.rows ?? 24,
  };
}

let options: DemoOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}
if (options.help) {
  console.log(HELP);
} else {
  const code = await main(options).catch((error: unknown) => {
    if (error instanceof Interrupted) return 130;
    // Errors that arrived through `stop` were printed when they happened.
    if (error !== stop.signal.reason) console.error(error);
    return 1;
  });
  if (code !== 0) process.exitCode = code;
}
