/// <reference lib="dom" />
// (The DOM library types the callbacks that playwright runs in the page.)
// The --web live view in a real browser (Debian's Chromium through playwright-core): frames are drawn,
// the page's controls reach the controller and the camera, and the camera's and the stage's
// properties show on the page from the moment it loads.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
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

/** Opens the live view; resolves once the page is ready (it listens to the frames). */
async function openPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(session.url);
  await page.waitForSelector("body[data-ready]");
  return page;
}

/** What the page shows of the properties, now. */
function shown(page: Page) {
  return page.evaluate(() => ({
    exposure: document.getElementById("camera-exposure")?.textContent,
    input: (document.getElementById("exposure") as HTMLInputElement).value,
    position: document.getElementById("position")?.textContent,
  }));
}

test("a page opened mid-session shows the current exposure and stage position at once", async () => {
  // Set on the host before any page exists: no signal announces it to a page that joins later.
  await expect(session.bus.properties("Camera").exposure.set(35)).resolves.toBe(35);
  const page = await openPage();
  expect(await shown(page)).toEqual({ exposure: "35 ms", input: "35", position: "0, 0 µm" });
  await page.close();
});

test("the page shows live frames, sets the camera's exposure, and Stop ends the session", async () => {
  const { exposure } = session.bus.properties("Camera");
  const { position } = session.bus.properties("Stage");
  const page = await openPage();
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
  // The exposure control sets the camera's property: the camera's value changes, and the page shows it.
  const changed = exposure.changed.next();
  await page.fill("#exposure", "50");
  await page.dispatchEvent("#exposure", "change");
  expect(await changed).toEqual([50]);
  expect(exposure.value).toBe(50);
  await page.waitForFunction(
    () => document.getElementById("camera-exposure")?.textContent === "50 ms",
  );
  // A value the camera refuses: the page says why, and the exposure stays.
  await page.fill("#exposure", "0");
  await page.dispatchEvent("#exposure", "change");
  await page.waitForFunction(
    () =>
      document.getElementById("exposure-error")?.textContent ===
      "Camera: exposure must be positive, got 0",
  );
  expect(exposure.value).toBe(50);
  expect(await shown(page)).toMatchObject({ exposure: "50 ms", input: "50" });
  // The stage tours the sample (calls of Stage.moveTo): its position property changes on the
  // host, and the page follows.
  const moved = position.changed.next();
  await moved;
  await page.waitForFunction(() => document.getElementById("position")?.textContent !== "0, 0 µm");
  // A second page, opened while the camera streams, shows the current values at once.
  const late = await openPage();
  expect(await shown(late)).toMatchObject({ exposure: "50 ms", input: "50" });
  expect((await shown(late)).position).toMatch(/^\d+, \d+ µm$/);
  await late.close();
  const figures = await page.evaluate(() => ({
    fps: document.getElementById("fps")?.textContent,
    latency: document.getElementById("latency")?.textContent,
    lost: document.getElementById("lost")?.textContent,
  }));
  expect(figures.latency).toMatch(/^\d+\.\d ms$/);
  expect(Number(figures.fps)).toBeGreaterThan(0);
  expect(figures.lost).toMatch(/^\d+$/);
  await mkdir(fileURLToPath(new URL("../../out/", import.meta.url)), { recursive: true });
  await page.screenshot({ path: screenshot });
  await page.click("#stop");
  await session.stopped;
  await page.close();
});
