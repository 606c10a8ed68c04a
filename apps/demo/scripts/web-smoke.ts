/**
 * Smoke test of `--web`: runs the demo as a child process, opens the URL it
 * prints in Debian's Chromium (playwright-core, never a downloaded browser),
 * checks that it shows the camera's exposure and the stage's position as
 * soon as it is ready, presses Start, sets the exposure, waits for drawn
 * frames, saves a screenshot to apps/demo/out/web.png, presses Stop and
 * expects the demo to exit 0.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir } from "node:fs/promises";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const demo = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const screenshot = fileURLToPath(new URL("../out/web.png", import.meta.url));

/** Runs the check; resolves with a one-line report. */
export async function webSmoke(): Promise<string> {
  const child = spawn(
    process.execPath,
    ["--conditions=@sunflare/source", "--import", import.meta.resolve("tsx"), demo, "--web"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = once(child, "exit");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  try {
    let url: string | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      url = /^Live view: (\S+)/.exec(line)?.[1];
      if (url) break;
    }
    if (!url) throw new Error("the demo printed no URL");
    const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
    await page.goto(url);
    await page.waitForSelector("body[data-ready]");
    const atLoad = await page.evaluate(() =>
      ["camera-exposure", "position"].map((id) => document.getElementById(id)?.textContent),
    );
    if (atLoad[0] !== "20 ms" || atLoad[1] !== "0, 0 µm")
      throw new Error(`the page shows exposure ${atLoad[0]}, stage ${atLoad[1]} at load`);
    await page.click("#start");
    await page.fill("#exposure", "30");
    await page.dispatchEvent("#exposure", "change");
    await page.waitForFunction(
      () => document.getElementById("camera-exposure")?.textContent === "30 ms",
    );
    await page.waitForFunction(() => Number(document.getElementById("frames")?.textContent) >= 60);
    const stats = await page.evaluate(() =>
      ["fps", "latency", "lost"].map((id) => document.getElementById(id)?.textContent),
    );
    await mkdir(fileURLToPath(new URL("../out/", import.meta.url)), { recursive: true });
    await page.screenshot({ path: screenshot });
    await page.click("#stop");
    const [code] = (await exited) as [number | null];
    if (code !== 0) throw new Error(`the demo exited with ${code} after Stop`);
    return `${stats[0]} fps, latency ${stats[1]}, ${stats[2]} lost, exposure and stage shown at load, exposure set to 30 ms; screenshot ${screenshot}`;
  } finally {
    child.kill();
    await browser.close();
  }
}
