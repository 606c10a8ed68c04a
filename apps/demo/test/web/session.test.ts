/// <reference lib="dom" />
// (The DOM library types the callbacks that playwright runs in the page.)
// The --web live view in a real browser (Debian's Chromium through playwright-core): frames are drawn,
// the page's controls reach the camera and the controller, the host's signals update the page.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { startWebSession } from "../../src/web/session.js";
import type { WebSession } from "../../src/web/session.js";

const screenshot = fileURLToPath(new URL("../../out/web.png", import.meta.url));

let browser: Browser;
let session: WebSession;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  session = await startWebSession({
    width: 256,
    height: 256,
    fps: 30,
    exposureMs: 20,
    pixelSize: 0.5,
  });
});

afterAll(async () => {
  await session?.shutdown();
  await browser?.close();
});

test("the page shows live frames, drives the camera by signals, and Stop ends the session", async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(session.url);
  await page.waitForSelector("body[data-ready]");
  await page.click("#start");
  await page.waitForFunction(
    () => (window as unknown as { demoStats: { frames: number } }).demoStats.frames >= 10,
  );
  // Frames render: the canvas holds an image, not a blank.
  const spread = await page.evaluate(() => {
    const canvas = document.getElementById("frame") as HTMLCanvasElement;
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    let min = 255;
    let max = 0;
    for (let i = 0; i < data.length; i += 4) {
      min = Math.min(min, data[i]!);
      max = Math.max(max, data[i]!);
    }
    return { width: canvas.width, height: canvas.height, min, max };
  });
  expect(spread).toMatchObject({ width: 256, height: 256 });
  expect(spread.max - spread.min).toBeGreaterThan(100);
  // The exposure control reaches the camera, whose sigExposureChanged comes back to the page.
  await page.fill("#exposure", "50");
  await page.dispatchEvent("#exposure", "change");
  await page.waitForFunction(
    () => document.getElementById("camera-exposure")?.textContent === "50 ms",
  );
  // The stage's sigPositionChanged, emitted on the host, shows on the page.
  await page.waitForFunction(() =>
    document.getElementById("position")?.textContent?.endsWith("µm"),
  );
  const shown = await page.evaluate(() => ({
    fps: document.getElementById("fps")?.textContent,
    latency: document.getElementById("latency")?.textContent,
    lost: document.getElementById("lost")?.textContent,
  }));
  expect(shown.latency).toMatch(/^\d+\.\d ms$/);
  expect(Number(shown.fps)).toBeGreaterThan(0);
  expect(shown.lost).toMatch(/^\d+$/);
  await mkdir(fileURLToPath(new URL("../../out/", import.meta.url)), { recursive: true });
  await page.screenshot({ path: screenshot });
  await page.click("#stop");
  await session.stopped;
  await page.close();
});
