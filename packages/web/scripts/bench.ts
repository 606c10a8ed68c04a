/**
 * Frames to a browser page through the gateway: 512x512 uint16 frames at 30
 * frames/s from a Node publisher to a page in Debian's Chromium on loopback.
 * Row 1: the page draws every frame it gets (auto-contrast onto a canvas).
 * Row 2: the page's loop is blocked 100 ms per frame; the gateway conflates,
 * and memory stays flat.
 *
 *   node --conditions=@sunflare/source --import tsx scripts/bench.ts [--seconds N]
 */
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import { ndarray } from "@sunflare/codec";
import { VirtualBus } from "@sunflare/virtual";
import { chromium } from "playwright-core";
import { serveWeb } from "../src/index.js";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" } } });
const seconds = Number(values.seconds);
const fps = 30;
const [width, height] = [512, 512];

interface PageResult {
  drawn: number;
  lastSeq: number;
  latencies: number[];
  elapsedMs: number;
  heapMB: number;
}

async function run(blockMs: number): Promise<string> {
  const bus = new VirtualBus();
  const gateway = await serveWeb(bus, { root: new URL("../test/pages", import.meta.url).pathname });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  try {
    const page = await browser.newPage();
    await page.goto(gateway.url);
    await page.waitForFunction(() => "sunflare" in window);
    const total = Math.round(seconds * fps);
    const result = page.evaluate(
      async ({ total, blockMs }) => {
        const { connectWeb, asNDArray } = window.sunflare;
        const bus = await connectWeb(location.href);
        const frames = bus.connectSubscriber("bench/frames");
        await frames.ready();
        document.body.dataset.ready = "true";
        const canvas = document.querySelector("canvas")!;
        const context = canvas.getContext("2d")!;
        let image: ImageData | undefined;
        const latencies: number[] = [];
        let drawn = 0;
        let lastSeq = -1;
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
          if (!image) {
            canvas.width = w;
            canvas.height = h;
            image = context.createImageData(w, h);
          }
          let max = 1;
          for (const value of data as Uint16Array) if (value > max) max = value;
          const pixels = image.data;
          for (let i = 0, p = 0; i < data.length; i++, p += 4) {
            pixels[p] = pixels[p + 1] = pixels[p + 2] = ((data[i] as number) * 255) / max;
            pixels[p + 3] = 255;
          }
          context.putImageData(image, 0, 0);
          drawn++;
          lastSeq = seq;
          if (blockMs > 0) {
            const start = performance.now();
            while (performance.now() - start < blockMs);
          }
          if (seq === total - 1) break;
        }
        const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
        return {
          drawn,
          lastSeq,
          latencies,
          elapsedMs: performance.now() - first,
          heapMB: (memory?.usedJSHeapSize ?? 0) / 2 ** 20,
        };
      },
      { total, blockMs },
    );
    await page.waitForSelector("body[data-ready]");
    const publisher = bus.connectPublisher();
    const pixels = new Uint16Array(width * height).map((_, i) => (i * 31) % 4096);
    const rss: number[] = [];
    const start = performance.now();
    for (let seq = 0; seq < total; seq++) {
      const wait = start + (seq * 1000) / fps - performance.now();
      await delay(Math.max(0, wait));
      await publisher.send("bench/frames", {
        seq,
        timestamp: performance.timeOrigin + performance.now(),
        frame: ndarray(pixels, [height, width]),
      });
      if (seq % fps === 0) rss.push(process.memoryUsage().rss / 2 ** 20);
    }
    const got: PageResult = await result;
    const sorted = [...got.latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    const rate = ((got.drawn - 1) * 1000) / got.elapsedMs;
    const rssSpan = `${rss[0]!.toFixed(0)}→${rss.at(-1)!.toFixed(0)} MB`;
    return [
      blockMs > 0 ? `page blocked ${blockMs} ms/frame` : "page draws every frame",
      `${got.drawn}/${total} drawn`,
      `${rate.toFixed(1)} frames/s`,
      `latency p50 ${at(0.5).toFixed(1)} ms p99 ${at(0.99).toFixed(1)} ms`,
      `host RSS ${rssSpan}`,
      `page heap ${got.heapMB.toFixed(0)} MB`,
    ].join(" | ");
  } finally {
    await browser.close();
    await gateway.close();
    await bus.shutdown();
  }
}

console.log(`512x512 uint16 frames at ${fps} frames/s for ${seconds} s, to a page on loopback:`);
console.log(await run(0));
console.log(await run(100));
