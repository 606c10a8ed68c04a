import { parseArgs } from "node:util";

/** Where the viewer plugin runs. */
export type Placement = "main" | "worker" | "process";
/** How the bus's forwarder is reached. */
export type Transport = "inproc" | "ipc" | "tcp";

/** Everything the demo can be asked to do. */
export interface DemoOptions {
  width: number;
  height: number;
  /** Scan grid: columns x rows of tiles. */
  tilesX: number;
  tilesY: number;
  framesPerTile: number;
  fps: number;
  exposureMs: number;
  transport: Transport;
  viewer: Placement;
  outDir: string;
  pngDepth: 8 | 16;
  json: boolean;
  plain: boolean;
  /** Print the wiring graph (every signal connection) after launch. */
  wiring: boolean;
  /** Serve a live view to a browser instead of the terminal viewer, until Ctrl-C or Stop. */
  web: boolean;
  /** Gateway port for `--web` (0: a free one). */
  port: number;
  help: boolean;
}

const OPTIONS = {
  size: { type: "string", default: "512x512" },
  tiles: { type: "string", default: "2x2" },
  frames: { type: "string", default: "25" },
  fps: { type: "string", default: "30" },
  exposure: { type: "string", default: "20" },
  transport: { type: "string", default: "inproc" },
  viewer: { type: "string", default: "main" },
  out: { type: "string", default: "out" },
  "png-depth": { type: "string", default: "8" },
  json: { type: "boolean", default: false },
  plain: { type: "boolean", default: false },
  wiring: { type: "boolean", default: false },
  web: { type: "boolean", default: false },
  port: { type: "string", default: "0" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The text `--help` prints. */
export const HELP = `Usage: pnpm demo -- [options]

A simulated microscope session: a camera, a stage, an acquisition controller
and a viewer, each an independent plugin on one Sunflare bus.

Options:
  --size WxH          frame size in pixels (or one number for a square)  [512x512]
  --tiles CxR         scan grid, columns x rows of tiles                  [2x2]
  --frames N          frames acquired per tile                            [25]
  --fps N             target camera frame rate                            [30]
  --exposure MS       camera exposure in milliseconds                     [20]
  --transport T       forwarder transport: inproc, ipc or tcp             [inproc]
  --viewer P          where the viewer runs: main, worker or process      [main]
  --out DIR           where last-frame.png is written                     [out]
  --png-depth 8|16    8: auto-contrast for viewing, 16: raw camera counts [8]
  --json              print a machine-readable summary instead of the display
  --plain             progress as lines, no cursor movement (automatic when
                      stdout is not a terminal)
  --wiring            print every signal connection once the session is
                      wired (with --json: in the summary, as "wiring")
  --web               serve a live view to a browser: it shows the frames and
                      drives the camera and stage by signals; runs until
                      Ctrl-C or the page's Stop (ignores --tiles, --frames,
                      --viewer, --transport, --wiring)
  --port N            port of the --web page (0: a free one)              [0]
  -h, --help          show this help
`;

/** Parses the command line; throws an `Error` with a readable message on bad input. */
export function parseOptions(argv: readonly string[]): DemoOptions {
  const { values } = parseArgs({
    // `pnpm demo -- --x` passes the `--` through; it separates nothing here.
    args: argv.filter((arg) => arg !== "--"),
    options: OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  const [width, height] = pair("--size", values.size);
  const [tilesX, tilesY] = pair("--tiles", values.tiles);
  return {
    width,
    height,
    tilesX,
    tilesY,
    framesPerTile: integer("--frames", values.frames),
    fps: positive("--fps", values.fps),
    exposureMs: positive("--exposure", values.exposure),
    transport: oneOf("--transport", values.transport, ["inproc", "ipc", "tcp"] as const),
    viewer: oneOf("--viewer", values.viewer, ["main", "worker", "process"] as const),
    outDir: values.out,
    pngDepth: Number(oneOf("--png-depth", values["png-depth"], ["8", "16"] as const)) as 8 | 16,
    json: values.json,
    plain: values.plain,
    wiring: values.wiring,
    web: values.web,
    port: port(values.port),
    help: values.help,
  };
}

function fail(message: string): never {
  throw new Error(message);
}

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    fail(`${name} must be a positive integer, got "${text}"`);
  return value;
}

function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    fail(`--port must be a port number (0 for any), got "${text}"`);
  return value;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    fail(`${name} must be a positive number, got "${text}"`);
  return value;
}

function pair(name: string, text: string): [number, number] {
  const parts = text.toLowerCase().split("x");
  if (parts.length === 1) {
    const n = integer(name, text);
    return [n, n];
  }
  if (parts.length !== 2) fail(`${name} must look like 512x384, got "${text}"`);
  return [integer(name, parts[0]!), integer(name, parts[1]!)];
}

function oneOf<const T extends readonly string[]>(
  name: string,
  text: string,
  choices: T,
): T[number] {
  const choice = choices.find((c) => c === text);
  return choice ?? fail(`${name} must be one of ${choices.join(", ")}, got "${text}"`);
}
