// A slow page never slows the bus: data is conflated for it, signal traffic is never dropped.
import { CloseCode } from "../src/index.js";
import { served, usePages } from "./browser.js";

const open = usePages();

test("a page whose event loop is blocked gets conflated frames, a Node subscriber on the same topic gets them all", async () => {
  const setup = await served({ window: 512 * 1024 });
  const page = await open(setup.gateway.url);
  const frames = 40;
  const witness = setup.bus.connectSubscriber("camera/frames");
  await witness.ready();
  const pageSaw = await page.evaluateHandle(async (last) => {
    const bus = await window.sunflare.connectWeb(location.href);
    const subscriber = bus.connectSubscriber("camera/frames");
    await subscriber.ready();
    const seen: number[] = [];
    const done = (async () => {
      for await (const message of subscriber) {
        const { seq } = message.value as { seq: number };
        seen.push(seq);
        if (seq === last) break;
        // Rendering that hogs the page's only thread for 100 ms per frame.
        const start = performance.now();
        while (performance.now() - start < 100);
      }
      return seen;
    })();
    return { done };
  }, frames - 1);
  const publisher = setup.bus.connectPublisher();
  const pixels = new Uint8Array(128 * 1024);
  for (let seq = 0; seq < frames; seq++) await publisher.send("camera/frames", { seq, pixels });
  const nodeSaw: number[] = [];
  while (nodeSaw.length < frames)
    nodeSaw.push(((await witness.receive()).value as { seq: number }).seq);
  const seen = await pageSaw.evaluate(({ done }) => done);
  expect(nodeSaw).toEqual([...Array(frames).keys()]);
  // The page got fewer, in order, and the newest one last: conflated, never stale.
  expect(seen.length).toBeLessThan(frames);
  expect(seen.at(-1)).toBe(frames - 1);
  expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  witness.close();
  await page.close();
  await setup.close();
});

test("signal traffic is never conflated: a page that takes none is disconnected with CloseCode.backlog", async () => {
  const setup = await served({ window: 64 * 1024, maxBacklog: 256 * 1024 });
  const page = await open(setup.gateway.url);
  const topic = "\u0000sunflare/signal/Camera/sigFrame";
  const onPage = await page.evaluateHandle(async (topic) => {
    const bus = await window.sunflare.connectWeb(location.href);
    // Subscribed, and never read: the page takes nothing.
    const subscriber = bus.connectSubscriber(topic);
    await subscriber.ready();
    return { bus, subscriber };
  }, topic);
  const publisher = setup.bus.connectPublisher();
  const body = new Uint8Array(16 * 1024);
  const sent = 40; // 640 KiB: more than the window and the backlog together
  for (let seq = 0; seq < sent; seq++)
    await publisher.sendFrames([topic, Uint8Array.of(seq, ...body)]);
  const outcome = await onPage.evaluate(async ({ bus, subscriber }) => {
    const closed = await bus.closed;
    const seqs: number[] = [];
    // What reached the page before it was closed: every message, none skipped.
    for await (const message of subscriber) seqs.push(message.frames[1]![0]!);
    return { closed, seqs };
  });
  expect(outcome.closed.code).toBe(CloseCode.backlog);
  expect(outcome.closed.reason).toMatch(/signal/);
  expect(outcome.seqs.length).toBeGreaterThan(0);
  expect(outcome.seqs).toEqual([...Array(outcome.seqs.length).keys()]);
  await page.close();
  await setup.close();
});
