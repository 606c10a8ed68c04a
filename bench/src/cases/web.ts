/// <reference lib="dom" />
// The page function of this case runs in the browser.
import { existsSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";

import type * as WebClientModule from "@sunflare/web/client";

import type { BenchCase, BenchRow } from "../case.js";
import { settingsOf } from "./settings.js";

const label = "10 frames to a browser page";
const width = 512;
const height = 512;
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

type WebClient = typeof WebClientModule;

/** What the page reports once the last frame came. */
interface PageResult {
  drawn: number;
  latencies: number[];
  elapsedMs: number;
}

/**
 * Case 10: 512x512 uint16 frames at 30 frames/s from a Node publisher,
 * through `@sunflare/web`'s gateway, to a page in Debian's Chromium on
 * loopback (runs only where Chromium is installed). Row 1: the page draws
 * every frame it gets (auto-contrast onto a canvas); targets ≥ 29 frames/s
 * and a latency p50 (camera send → frame handed to the page's loop) ≤ 10 ms.
 * Row 2: the page's loop is blocked 100 ms per frame, so the gateway
 * conflates; the host's RSS at the end beside its RSS at the start shows
 * memory staying flat.
 */
export const web: BenchCase = {
  name: "web",
  async run(context) {
    if (!existsSync(chromiumPath)) {
      context.note(`${label}: skipped, no Chromium at ${chromiumPath} (apt-get install chromium)`);
      return [];
    }
    const { frames: rate, seconds } = settingsOf("web", context.quick);
    const rows: BenchRow[] = [];
    for (const blockMs of [0, 100]) {
      context.log(`${label}: page ${blockMs > 0 ? `blocked ${blockMs} ms per frame` : "drawing"}`);
      const { result, total, rss } = await stream(rate, seconds, blockMs);
      const sorted = [...result.latencies].sort((a, b) => a - b);
      const p50 = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
      const drawnRate = ((result.drawn - 1) * 1000) / result.elapsedMs;
      if (blockMs === 0) {
        rows.push(
          {
            case: label,
            subject: "page draws every frame",
            value: drawnRate,
            unit: "frames/s",
            detail: `${result.drawn}/${total} drawn, sent at ${rate}/s`,
            target: { text: `>= ${rate - 1} frames/s`, met: drawnRate >= rate - 1 },
          },
          {
            case: label,
            subject: "page draws every frame",
            value: p50,
            unit: "ms",
            detail: "latency p50, send → page",
            target: { text: "<= 10 ms", met: p50 <= 10 },
          },
        );
      } else {
        const [first, last] = [rss[0]!, rss.at(-1)!];
        rows.push({
          case: label,
          subject: `page blocked ${blockMs} ms/frame`,
          value: last,
          unit: "MB RSS",
          detail: `host RSS at the start ${first.toFixed(0)} MB; ${result.drawn}/${total} drawn (conflated)`,
          target: { text: "<= start + 32 MB", met: last <= first + 32 },
        });
      }
    }
    return rows;
  },
};

/** One stream of `rate` frames/s for `seconds` to a fresh page; the page blocks `blockMs` per frame. */
async function stream(
  rate: number,
  seconds: number,
  blockMs: number,
): Promise<{ result: PageResult; total: number; rss: number[] }> {
  const [{ ndarray }, { VirtualBus }, { serveWeb }, { chromium }] = await Promise.all([
    import("@sunflare/codec"),
    import("@sunflare/virtual"),
    import("@sunflare/web"),
    import("playwright-core"),
  ]);
  const bus = new VirtualBus();
  const gateway = await serveWeb(bus);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    await page.goto(gateway.url);
    const total = Math.round(seconds * rate);
    const script = new URL("/sunflare-web.js", gateway.url).href;
    const result = page.evaluate(
      async ({ script, total, blockMs }) => {
        const { connectWeb, asNDArray } = (await import(script)) as WebClient;
        const bus = await connectWeb(location.href);
        const frames = bus.connectSubscriber("bench/frames");
        await frames.ready();
        document.body.dataset.ready = "true";
        const canvas = document.body.appendChild(document.createElement("canvas"));
        const context = canvas.getContext("2d")!;
        let image: ImageData | undefined;
        const latencies: number[] = [];
        let drawn = 0;
        let first = 0;
        for await (const message of frames) {
          const handed = performance.timeOrigin + performance.now();
          const { seq, timestamp, frame } = message.value as {
            seq: number;
            timestamp: number;
            frame: unknown;
          };
          latencies.push(handed - timestamp);
          if (first === 0) first = performance.now();
          const { data, shape } = asNDArray(frame);
          const [h, w] = shape as [number, number];
          image ??= context.createImageData(w, h);
          canvas.width = w;
          canvas.height = h;
          let max = 1;
          for (const value of data as Uint16Array) if (value > max) max = value;
          const pixels = image.data;
          for (let i = 0, p = 0; i < data.length; i++, p += 4) {
            pixels[p] = pixels[p + 1] = pixels[p + 2] = ((data[i] as number) * 255) / max;
            pixels[p + 3] = 255;
          }
          context.putImageData(image, 0, 0);
          drawn++;
          for (const started = performance.now(); performance.now() - started < blockMs;);
          if (seq === total - 1) break;
        }
        await bus.close();
        return { drawn, latencies, elapsedMs: performance.now() - first };
      },
      { script, total, blockMs },
    );
    await page.waitForSelector("body[data-ready]");
    const publisher = bus.connectPublisher();
    const pixels = new Uint16Array(width * height).map((_, i) => (i * 31) % 4096);
    const rss: number[] = [];
    const start = performance.now();
    for (let seq = 0; seq < total; seq++) {
      await delay(Math.max(0, start + (seq * 1000) / rate - performance.now()));
      await publisher.send("bench/frames", {
        seq,
        timestamp: performance.timeOrigin + performance.now(),
        frame: ndarray(pixels, [height, width]),
      });
      if (seq % rate === 0) rss.push(process.memoryUsage().rss / 2 ** 20);
    }
    rss.push(process.memoryUsage().rss / 2 ** 20);
    return { result: await result, total, rss };
  } finally {
    await browser.close();
    await gateway.close();
    await bus.shutdown();
  }
}
