// Who may join through the gateway, and what a page may send.
import { VirtualBus } from "@sunflare/virtual";
import type { Page } from "playwright-core";
import { CloseCode, serveWeb } from "../src/index.js";
import { recordingLogger, served, usePages, withToken } from "./browser.js";

const open = usePages();

test("a page with a wrong token is refused, and one with the right token joins", async () => {
  const setup = await served();
  const page = await open(setup.gateway.url);
  const wrong = withToken(setup.gateway.url, "not-the-token");
  const outcome = await page.evaluate(async (url) => {
    try {
      await window.sunflare.connectWeb(url);
      return "joined";
    } catch (error) {
      return `${(error as Error).name} ${(error as { closeCode: number }).closeCode}`;
    }
  }, wrong);
  expect(outcome).toBe("WebClosedError 1006");
  expect(setup.logger.warnings.join("\n")).toMatch(/refused.*Unauthorized/);
  expect(setup.gateway.clients).toBe(0);
  const joined = await page.evaluate(async () => {
    await window.sunflare.connectWeb(location.href);
    return "joined";
  });
  expect(joined).toBe("joined");
  expect(setup.gateway.clients).toBe(1);
  await page.close();
  await setup.close();
});

/** The WebSocket address of a gateway, with its token. */
function socketUrlOf(gatewayUrl: string): string {
  const url = new URL("/sunflare", gatewayUrl.replace(/^http/, "ws"));
  url.search = new URL(gatewayUrl).search;
  return url.href;
}

/** Opens a raw WebSocket from `page` to `url`: "open", or how it closed. */
function tryOpen(page: Page, url: string): Promise<string> {
  return page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () => resolve("open");
        socket.onclose = (event) => resolve(`closed ${event.code}`);
      }),
    url,
  );
}

test("a page from another origin is refused, even with the token", async () => {
  // The other site: another gateway's page (another port, so another origin).
  const elsewhere = await served();
  const setup = await served();
  const page = await open(elsewhere.gateway.url);
  expect(await tryOpen(page, socketUrlOf(setup.gateway.url))).toBe("closed 1006");
  const origin = new URL(elsewhere.gateway.url).origin;
  expect(setup.logger.warnings.join("\n")).toContain(`(Origin ${origin}): Forbidden`);
  expect(setup.gateway.clients).toBe(0);
  // The same page reaches its own gateway.
  expect(await tryOpen(page, socketUrlOf(elsewhere.gateway.url))).toBe("open");
  await page.close();
  await setup.close();
  await elsewhere.close();
});

test("an origin in `origins` may join", async () => {
  const elsewhere = await served();
  const setup = await served({ origins: [new URL(elsewhere.gateway.url).origin] });
  const page = await open(elsewhere.gateway.url);
  expect(await tryOpen(page, socketUrlOf(setup.gateway.url))).toBe("open");
  await page.close();
  await setup.close();
  await elsewhere.close();
});

test("a message over maxMessageSize closes the page's connection (1009) and never reaches the bus", async () => {
  const setup = await served({ maxMessageSize: 64 * 1024 });
  const subscriber = setup.bus.connectSubscriber("big");
  await subscriber.ready();
  const page = await open(setup.gateway.url);
  const closed = await page.evaluate(async () => {
    const bus = await window.sunflare.connectWeb(location.href);
    const publisher = bus.connectPublisher();
    await publisher.send("big/small", new Uint8Array(1000));
    await publisher.send("big/huge", new Uint8Array(100 * 1024));
    return bus.closed;
  });
  expect(closed.code).toBe(CloseCode.tooBig);
  expect((await subscriber.receive()).topic).toBe("big/small");
  // The oversize message was refused before the bus: what comes next is the next message.
  await setup.bus.connectPublisher().send("big/after", 1);
  expect((await subscriber.receive()).topic).toBe("big/after");
  subscriber.close();
  await page.close();
  await setup.close();
});

test("a page cannot publish on the bus's reserved topics", async () => {
  const setup = await served();
  const page = await open(setup.gateway.url);
  const refused = await page.evaluate(async () => {
    const bus = await window.sunflare.connectWeb(location.href);
    return bus
      .connectPublisher()
      .send("\u0000sunflare/forwarder", 1)
      .then(
        () => "sent",
        (error: Error) => error.message,
      );
  });
  expect(refused).toMatch(/reserved/);
  // A page that bypasses the client (a raw frame on the socket) is disconnected.
  const closed = await page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url);
        socket.binaryType = "arraybuffer";
        socket.onopen = () => {
          const topic = new TextEncoder().encode("\u0000sunflare/subscriber/forged/1");
          const frame = new Uint8Array(3 + topic.length + 1);
          frame.set([1, 0, topic.length], 0);
          frame.set(topic, 3);
          socket.send(frame);
        };
        socket.onclose = (event) => resolve(`${event.code} ${event.reason}`);
      }),
    socketUrlOf(setup.gateway.url),
  );
  expect(closed).toBe(
    `${CloseCode.reserved} topic "\\u0000sunflare/subscriber/forged/1" is reserved for the bus`,
  );
  await page.close();
  await setup.close();
});

test("the gateway listens on loopback unless told otherwise, and says so when told", async () => {
  const bus = new VirtualBus();
  const quiet = recordingLogger();
  const local = await serveWeb(bus, { logger: quiet });
  expect(new URL(local.url).hostname).toBe("127.0.0.1");
  expect(quiet.warnings).toEqual([]);
  await local.close();
  const told = recordingLogger();
  const open = await serveWeb(bus, { host: "0.0.0.0", logger: told });
  expect(told.warnings.join("\n")).toMatch(/serving on 0\.0\.0\.0, not loopback/);
  await open.close();
  await bus.shutdown();
});

test("each gateway makes its own random token, and a given one is used as is", async () => {
  const bus = new VirtualBus();
  const a = await serveWeb(bus);
  const b = await serveWeb(bus);
  const c = await serveWeb(bus, { token: "chosen" });
  const tokenOf = (url: string) => new URL(url).searchParams.get("token")!;
  expect(tokenOf(a.url)).toMatch(/^[\w-]{43}$/);
  expect(tokenOf(a.url)).not.toBe(tokenOf(b.url));
  expect(tokenOf(c.url)).toBe("chosen");
  await Promise.all([a.close(), b.close(), c.close()]);
  await bus.shutdown();
});

test("a page speaks as its own member only: a registry in another member's name closes it", async () => {
  const setup = await served();
  const left: string[] = [];
  setup.bus.membership.on("left", (info) => left.push(info.member));
  const page = await open(setup.gateway.url);
  const closed = await page.evaluate(
    ({ url, host }) =>
      new Promise<string>((resolve) => {
        const { encode } = window.sunflare;
        const frame = (topic: string, body: Uint8Array) => {
          const name = new TextEncoder().encode(topic);
          const bytes = new Uint8Array(3 + name.length + body.length);
          bytes.set([1, 0, name.length], 0);
          bytes.set(name, 3);
          bytes.set(body, 3 + name.length);
          return bytes;
        };
        const socket = new WebSocket(url);
        socket.binaryType = "arraybuffer";
        socket.onopen = () => {
          socket.send(frame("\u0000sunflare/hello", encode({ member: "page-1" })));
          // Forged: the host leaving, which would make every member close.
          socket.send(
            frame("\u0000sunflare/registry", encode({ member: host, owners: {}, leaving: true })),
          );
        };
        socket.onclose = (event) => resolve(`${event.code}`);
      }),
    { url: socketUrlOf(setup.gateway.url), host: setup.bus.member },
  );
  expect(closed).toBe(String(CloseCode.reserved));
  expect(setup.logger.warnings.join("\n")).toMatch(/speaks as the member of its hello only/);
  expect(setup.bus.isShutdown).toBe(false);
  // The page's own hello went through, and the gateway said it left; nobody else did.
  await new Promise<void>((resolve) =>
    left.length > 0 ? resolve() : setup.bus.membership.once("left", () => resolve()),
  );
  expect(left).toEqual(["page-1"]);
  await page.close();
  await setup.close();
});

test.each([
  [
    "an emission",
    (host: string) => [`\u0000sunflare/signal/Host/sigGo\u0000${host}`, [1]] as const,
  ],
  [
    "a values message",
    (host: string) => ["\u0000sunflare/values", { member: host, values: {} }] as const,
  ],
  [
    "a call answer",
    (host: string) => [`\u0000sunflare/call/${host}`, { from: host, id: 1, result: 0 }] as const,
  ],
])(
  "a page speaks as its own member only: %s in another member's name closes it",
  async (_, forge) => {
    const setup = await served();
    const page = await open(setup.gateway.url);
    const [topic, body] = forge(setup.bus.member);
    const closed = await page.evaluate(
      ({ url, topic, body }) =>
        new Promise<string>((resolve) => {
          const { encode } = window.sunflare;
          const frame = (name: string, payload: Uint8Array) => {
            const bytes = new TextEncoder().encode(name);
            const out = new Uint8Array(3 + bytes.length + payload.length);
            out.set([1, 0, bytes.length], 0);
            out.set(bytes, 3);
            out.set(payload, 3 + bytes.length);
            return out;
          };
          const socket = new WebSocket(url);
          socket.binaryType = "arraybuffer";
          socket.onopen = () => {
            socket.send(frame("\u0000sunflare/hello", encode({ member: "page-2" })));
            socket.send(frame(topic, encode(body)));
          };
          socket.onclose = (event) => resolve(`${event.code}`);
        }),
      { url: socketUrlOf(setup.gateway.url), topic, body },
    );
    expect(closed).toBe(String(CloseCode.reserved));
    expect(setup.logger.warnings.join("\n")).toMatch(
      /(speaks|emits) as the member of its hello only/,
    );
    await page.close();
    await setup.close();
  },
);
