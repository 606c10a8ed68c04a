// The packed-install check of @sunflare/web (run by scripts/check-packages.sh in a fresh npm project
// where only the packed tarballs are installed): the gateway serves the built client, and the client,
// with `ws` standing in for the browser's WebSocket, joins the bus through it.
// Usage: node packed-smoke.mjs <import|require>
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const [mode] = process.argv.slice(2);
const load = (id) => (mode === "require" ? createRequire(import.meta.url)(id) : import(id));

const { serveWeb } = await load("@sunflare/web");
const { connectWeb } = await load("@sunflare/web/client");
const { Forwarder, Publisher, Subscriber } = await load("@sunflare/forwarder");
const { WebSocket } = await load("ws");
globalThis.WebSocket ??= WebSocket;

const forwarder = new Forwarder();
await forwarder.start();
const bus = {
  connectPublisher: (options) => new Publisher(forwarder, options),
  connectSubscriber: (topics, options) => new Subscriber(forwarder, { ...options, topics }),
};
const gateway = await serveWeb(bus);
const bundle = await fetch(new URL("/sunflare-web.js", gateway.url));
assert.equal(bundle.status, 200);
assert.match(await bundle.text(), /connectWeb/);

const page = await connectWeb(gateway.url);
const received = page.connectSubscriber("t");
await received.ready();
const publisher = new Publisher(forwarder);
await publisher.send("t", { x: 1 });
assert.deepEqual((await received.receive()).value, { x: 1 });
await page.close();
publisher.close();
await gateway.close();
await forwarder.stop();
assert.ok(!existsSync("node_modules/esbuild"), "@sunflare/web must not pull esbuild");
console.log(`@sunflare/web works from ${mode}()`);
