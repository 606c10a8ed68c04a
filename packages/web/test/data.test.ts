// The data path between a real browser page and the bus, through the gateway.
import { get } from "node:http";
import { asNDArray, ndarray } from "@sunflare/codec";
import { usePages, useServed } from "./browser.js";

const open = usePages();
const setup = useServed();

function fetchText(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers["content-type"] ?? "",
          body,
        }),
      );
    }).on("error", reject);
  });
}

test("GET /sunflare-web.js is one self-contained ES module with the client's exports", async () => {
  const { status, type, body } = await fetchText(
    new URL("/sunflare-web.js", setup.gateway.url).href,
  );
  expect(status).toBe(200);
  expect(type).toMatch(/^text\/javascript/);
  // Self-contained: no import statement, static or dynamic (a plain page has no import map nor bundler).
  expect(/(^|[;}])\s*import\s*[\s{*"']/m.test(body)).toBe(false);
  expect(/\bimport\s*\(/.test(body)).toBe(false);
  const page = await open(setup.gateway.url);
  const exported = await page.evaluate(() => Object.keys(window.sunflare).sort());
  expect(exported).toEqual(
    expect.arrayContaining(["Signal", "asNDArray", "connectWeb", "decode", "encode", "ndarray"]),
  );
  await page.close();
});

test("a page receives an NDArray frame from Node, its body byte for byte as the bus carried it", async () => {
  const page = await open(setup.gateway.url);
  const onPage = await page.evaluateHandle(async () => {
    const bus = await window.sunflare.connectWeb(location.href);
    const frames = bus.connectSubscriber("camera/frames");
    await frames.ready();
    return { bus, frames };
  });
  const witness = setup.bus.connectSubscriber("camera/frames");
  await witness.ready();
  const pixels = new Uint16Array(64 * 32).map((_, i) => i * 7);
  await setup.bus
    .connectPublisher()
    .send("camera/frames", { seq: 1, frame: ndarray(pixels, [32, 64]) });
  const sent = await witness.receive();
  const received = await onPage.evaluate(async ({ frames, bus }) => {
    const message = await frames.receive();
    const { seq, frame } = message.value as { seq: number; frame: unknown };
    const array = window.sunflare.asNDArray(frame);
    await bus.close();
    return {
      topic: message.topic,
      body: Array.from(message.frames[1]!),
      seq,
      dtype: array.dtype,
      shape: array.shape,
      last: array.data[array.data.length - 1],
    };
  });
  expect(received.topic).toBe("camera/frames");
  expect(received.body).toEqual(Array.from(sent.frames[1]!));
  expect(received).toMatchObject({
    seq: 1,
    dtype: "uint16",
    shape: [32, 64],
    last: pixels[pixels.length - 1],
  });
  witness.close();
  await page.close();
});

test("Node receives what a page publishes, the body exactly as the page encoded it", async () => {
  const subscriber = setup.bus.connectSubscriber("ui/");
  await subscriber.ready();
  const page = await open(setup.gateway.url);
  const encoded = await page.evaluate(async () => {
    const { connectWeb, encode, ndarray } = window.sunflare;
    const bus = await connectWeb(location.href);
    const value = {
      clicked: "start",
      at: [1.5, 2],
      mask: ndarray(new Uint8Array([1, 0, 1, 1]), [2, 2]),
    };
    await bus.connectPublisher().send("ui/clicks", value);
    return Array.from(encode(value));
  });
  const message = await subscriber.receive();
  expect(message.topic).toBe("ui/clicks");
  expect(Array.from(message.frames[1]!)).toEqual(encoded);
  const value = message.value as { clicked: string; mask: unknown };
  expect(value.clicked).toBe("start");
  expect(Array.from(asNDArray(value.mask).data as Uint8Array)).toEqual([1, 0, 1, 1]);
  subscriber.close();
  await page.close();
});

test("a page's subscribers iterate until closed, and a page may hear its own messages", async () => {
  const page = await open(setup.gateway.url);
  const seen = await page.evaluate(async () => {
    const bus = await window.sunflare.connectWeb(location.href);
    const subscriber = bus.connectSubscriber(["a/", "b/"]);
    await subscriber.ready();
    const publisher = bus.connectPublisher();
    const seen: string[] = [];
    const loop = (async () => {
      for await (const message of subscriber) {
        seen.push(`${message.topic}=${String(message.value)}`);
        if (seen.length === 3) subscriber.close();
      }
      seen.push("ended");
    })();
    await publisher.send("a/x", 1);
    await publisher.send("c/x", 2);
    await publisher.send("b/y", 3);
    await publisher.send("a/z", 4);
    await loop;
    await bus.close();
    return seen;
  });
  expect(seen).toEqual(["a/x=1", "b/y=3", "a/z=4", "ended"]);
  await page.close();
});

test("root serves its files and nothing outside it", async () => {
  const index = await fetchText(setup.gateway.url);
  expect(index.status).toBe(200);
  expect(index.body).toContain("/sunflare-web.js");
  const escape = await fetchText(new URL("/%2e%2e/package.json", setup.gateway.url).href);
  expect([403, 404]).toContain(escape.status);
  expect(escape.body).not.toContain("@sunflare/web");
});
