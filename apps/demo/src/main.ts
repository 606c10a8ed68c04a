/**
 * A simulated microscope session: four independent plugins on one bus.
 *
 *   pnpm demo -- --help
 */
import { extname, resolve } from "node:path";
import { inProcess, inWorker, launch, VirtualBus } from "@sunflare/virtual";
import type { MemberExit } from "@sunflare/virtual";
import { HELP, parseOptions, type DemoOptions } from "./cli.js";
import { Camera } from "./plugins/camera.js";
import { AcquisitionController } from "./plugins/controller.js";
import { ReportListener, ViewerFailed } from "./plugins/report-listener.js";
import { Stage } from "./plugins/stage.js";
import { Viewer, type ViewerOptions } from "./plugins/viewer.js";
import { startWebSession } from "./web/session.js";
import { detectPalette } from "./view/preview.js";
import { wiringText } from "./view/wiring.js";

/** Micrometres of sample per camera pixel. */
const PIXEL_SIZE = 0.5;
/** The viewer's placed module, with this file's extension: .ts under tsx, .js once built. */
const VIEWER_MEMBER = new URL(
  `./placement/viewer-member${extname(import.meta.url)}`,
  import.meta.url,
);

async function main(options: DemoOptions): Promise<number> {
  if (options.web) return web(options);
  const { transport } = options;
  // Named, so that `sunflare --bus demo …` can inspect and record the session from another shell.
  const bus = new VirtualBus({ name: "demo", forwarder: { transport } });
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
      : (options.viewer === "worker" ? inWorker : inProcess)(VIEWER_MEMBER, {
          name: "viewer",
          data: viewerOptions,
        });
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
  const listener = new ReportListener(bus);
  const plugins = [
    new Stage(bus),
    new Camera(bus, {
      width: options.width,
      height: options.height,
      fps: options.fps,
      pixelSize: PIXEL_SIZE,
      // Stream once the viewer listens, wherever it runs.
      subscribers: 1,
    }),
    controller,
    viewer,
    listener,
  ];

  // If a phase fails, launch shuts down what it started, and the bus. Once it
  // resolves, the viewer listens and every connection is live, in every member.
  const session = await launch(bus, plugins);
  // A viewer that crashed will never report: end the session instead of waiting.
  const crashed = new Promise<never>((_, reject) =>
    session.on("exit", (exit) => exit.expected || reject(new MemberCrashed(exit))),
  );
  crashed.catch(() => undefined);
  try {
    const wiring = options.wiring ? await session.wiring() : undefined;
    if (wiring && !options.json) console.log(wiringText(wiring));
    const [sent, report] = await Promise.race([
      Promise.all([controller.scan(), listener.report]),
      stopped,
      crashed,
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
        ...(wiring && { wiring }),
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

/** A placed member ended on its own: the session cannot finish without it. */
class MemberCrashed extends Error {
  constructor(exit: MemberExit) {
    super(`the ${exit.name} ended unexpectedly (${exit.signal ?? `code ${exit.code}`})`);
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
    // A failure a plugin reported is news, not a bug: its message says it all.
    if (error instanceof MemberCrashed || error instanceof ViewerFailed)
      console.error(`Error: ${error.message}`);
    // Errors that arrived through `stop` were printed when they happened.
    else if (error !== stop.signal.reason) console.error(error);
    return 1;
  });
  if (code !== 0) process.exitCode = code;
}
