/**
 * The `--web` session: camera, stage and a live controller on a bus, and a
 * gateway that serves apps/demo/web/ to a browser, which shows the frames,
 * drives the acquisition through signals, and shows and sets the camera's
 * and the stage's properties.
 */
import { fileURLToPath } from "node:url";
import { launch, VirtualBus } from "@sunflare/virtual";
import type { Session } from "@sunflare/virtual";
import { serveWeb } from "@sunflare/web";
import type { WebOptions } from "@sunflare/web";
import { Camera } from "../plugins/camera.js";
import { tilePositions } from "../plugins/controller.js";
import { Stage } from "../plugins/stage.js";
import { LiveController } from "./live-controller.js";

/** The page the gateway serves. */
export const webRoot = fileURLToPath(new URL("../../web/", import.meta.url));

/** Options of {@link startWebSession}. */
export interface WebSessionOptions {
  width: number;
  height: number;
  fps: number;
  exposureMs: number;
  /** Micrometres of sample per camera pixel. */
  pixelSize: number;
  /** Passed to `serveWeb` (host, port, token…). */
  web?: WebOptions;
}

/** A running `--web` session. */
export interface WebSession {
  /** The page's address, token included. */
  readonly url: string;
  /** The session's bus: `bus.properties("Camera").exposure` is what the page shows. */
  readonly bus: VirtualBus;
  /** Resolves when the page asked to stop. */
  readonly stopped: Promise<void>;
  /** Shuts the plugins, the gateway and the bus down. */
  shutdown(): Promise<void>;
}

/** Starts the plugins and the gateway; the camera waits for the page's Start. */
export async function startWebSession(options: WebSessionOptions): Promise<WebSession> {
  const bus = new VirtualBus();
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const step = (size: number) => 0.9 * size * options.pixelSize;
  const controller = new LiveController(bus, {
    positions: tilePositions({
      tilesX: 3,
      tilesY: 3,
      framesPerTile: 1,
      stepX: step(options.width),
      stepY: step(options.height),
      exposureMs: options.exposureMs,
    }),
    dwellMs: 1500,
    onStop: () => stop(),
  });
  const plugins = [
    new Stage(bus),
    new Camera(bus, {
      width: options.width,
      height: options.height,
      fps: options.fps,
      exposureMs: options.exposureMs,
      pixelSize: options.pixelSize,
      controller: "LiveController",
    }),
    controller,
  ];
  let session: Session | undefined;
  try {
    session = await launch(bus, plugins);
    const gateway = await serveWeb(bus, { root: webRoot, ...options.web });
    return {
      url: gateway.url,
      bus,
      stopped,
      async shutdown() {
        // Pages first: the gateway's sockets are on the bus that the session shuts down last.
        await gateway.close();
        await session?.shutdown();
      },
    };
  } catch (error) {
    await (session?.shutdown() ?? bus.shutdown());
    throw error;
  }
}
