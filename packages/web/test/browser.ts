// Test helpers: Debian's Chromium driven by playwright-core (never a downloaded browser),
// and a bus with a gateway that serves test/pages.
import { join } from "node:path";
import type { Logger } from "@sunflare/signal";
import { VirtualBus } from "@sunflare/virtual";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import type * as Client from "../src/client/index.js";
import { serveWeb } from "../src/index.js";
import type { WebGateway, WebOptions } from "../src/index.js";

declare global {
  interface Window {
    /** The client module, as test/pages/index.html imported it from the gateway. */
    sunflare: typeof Client;
  }
}

/** Chromium's executable: CHROMIUM_PATH, or Debian's. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Starts headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
}

/** The folder the test gateways serve. */
export const pagesRoot = join(__dirname, "pages");

/** A logger that keeps what it is told. */
export function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => warnings.push(message),
    error: (message: string) => warnings.push(message),
  };
}

/** A bus and a gateway serving the test pages, as {@link served} makes them. */
export interface Served {
  bus: VirtualBus;
  gateway: WebGateway;
  logger: ReturnType<typeof recordingLogger>;
  /** Ends the gateway, then the bus. */
  close(): Promise<void>;
}

/** A bus and a gateway serving the test pages; `close()` ends both. */
export async function served(options: WebOptions = {}): Promise<Served> {
  const bus = new VirtualBus();
  const logger = recordingLogger();
  const gateway = await serveWeb(bus, { root: pagesRoot, logger, ...options });
  return {
    bus,
    gateway,
    logger,
    async close() {
      await gateway.close();
      await bus.shutdown();
    },
  };
}

/** Opens `url` in a new page and waits until it imported the client module. */
export async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(url);
  await page.waitForFunction(() => "sunflare" in window);
  return page;
}

/**
 * For a test file: one Chromium, started before its tests and closed after
 * them. Returns what opens a page in it (see {@link openPage}).
 */
export function usePages(): (url: string) => Promise<Page> {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return (url) => openPage(browser!, url);
}

/**
 * For a test file: one bus and gateway shared by its tests, served before the
 * first and closed after the last. The returned object is filled in then.
 */
export function useServed(options?: WebOptions): Served {
  const setup = {} as Served;
  beforeAll(async () => {
    Object.assign(setup, await served(options));
  });
  afterAll(async () => {
    await setup.close?.();
  });
  return setup;
}

/** The gateway's URL with another token. */
export function withToken(url: string, token: string): string {
  const changed = new URL(url);
  changed.searchParams.set("token", token);
  return changed.href;
}
