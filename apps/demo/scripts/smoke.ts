/**
 * Smoke test of the demo: a short session for each viewer placement, run as
 * a child process with `--json --wiring`. Checks that every frame sent was
 * received, none lost, that the saved PNG decodes at the frame size, and that
 * the session's connections to the viewer's signals were live, crossing
 * members when the viewer runs elsewhere. Then `--web` in a real browser
 * (see web-smoke.ts).
 *
 *   pnpm --filter @sunflare/demo smoke
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { SessionWiringEntry } from "@sunflare/virtual";
import { PNG } from "pngjs";
import { webSmoke } from "./web-smoke.js";

const run = promisify(execFile);
const demo = new URL("../src/main.ts", import.meta.url).pathname;
const size = { width: 256, height: 192 };
const placements = ["main", "worker", "process"] as const;

interface Summary {
  placement: string;
  transport: string;
  sent: number;
  received: number;
  lost: number;
  fps: number;
  png: string | null;
  wiring: SessionWiringEntry[];
}

async function smoke(placement: (typeof placements)[number], dir: string): Promise<string> {
  const args = [
    "--conditions=@sunflare/source",
    "--import",
    import.meta.resolve("tsx"),
    demo,
    ...["--json", "--wiring", "--viewer", placement, "--size", `${size.width}x${size.height}`],
    ...["--tiles", "2x1", "--frames", "10", "--fps", "50", "--out", join(dir, placement)],
  ];
  const { stdout } = await run(process.execPath, args, { timeout: 60_000 });
  const summary = JSON.parse(stdout) as Summary;
  const expected = 2 * 10;
  if (summary.sent !== expected)
    throw new Error(`sent ${summary.sent} frames, expected ${expected}`);
  if (summary.received !== summary.sent || summary.lost !== 0) {
    throw new Error(`received ${summary.received}/${summary.sent}, lost ${summary.lost}`);
  }
  const toViewer = summary.wiring.filter((entry) => entry.owner === "Viewer");
  const remote = placement !== "main";
  if (
    toViewer.length === 0 ||
    !toViewer.every((entry) => entry.state === "live" && entry.remote === remote)
  ) {
    throw new Error(`connections to the viewer's signals: ${JSON.stringify(toViewer)}`);
  }
  if (!summary.png) throw new Error("no PNG written");
  const png = PNG.sync.read(await readFile(summary.png));
  if (png.width !== size.width || png.height !== size.height) {
    throw new Error(`PNG is ${png.width}x${png.height}, expected ${size.width}x${size.height}`);
  }
  const wiring = `${toViewer.length} ${remote ? "remote" : "local"} connections to the viewer live`;
  return `${summary.received}/${summary.sent} frames, 0 lost, ${summary.fps.toFixed(1)} fps over ${summary.transport}, PNG ${png.width}x${png.height} ok, ${wiring}`;
}

const dir = await mkdtemp(join(tmpdir(), "sunflare-demo-smoke-"));
let failed = 0;
try {
  for (const placement of placements) {
    try {
      console.log(`ok   viewer=${placement}: ${await smoke(placement, dir)}`);
    } catch (error) {
      failed++;
      const detail = error as Error & { stderr?: string };
      console.log(
        `FAIL viewer=${placement}: ${detail.message}${detail.stderr ? `\n${detail.stderr}` : ""}`,
      );
    }
  }
  try {
    console.log(`ok   --web: ${await webSmoke()}`);
  } catch (error) {
    failed++;
    console.log(`FAIL --web: ${(error as Error).message}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exitCode = failed === 0 ? 0 : 1;
