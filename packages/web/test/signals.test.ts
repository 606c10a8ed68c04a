// A page is a member of the bus: signals by name in both directions, and membership.
import { ndarray } from "@sunflare/codec";
import { Signal } from "@sunflare/signal";
import type { MemberInfo } from "@sunflare/signal";
import { usePages, useServed } from "./browser.js";

const open = usePages();
const setup = useServed();

test("a click on the page reaches a slot on the host", async () => {
  const exposures: number[] = [];
  const connection = setup.bus.connect(
    "Controls",
    "sigExposure",
    (ms: number) => exposures.push(ms),
    {
      deferred: true,
    },
  );
  const page = await open(setup.gateway.url);
  await page.evaluate(async () => {
    const { connectWeb, Signal } = window.sunflare;
    const bus = await connectWeb(location.href);
    const controls = { sigExposure: new Signal<[number]>() };
    bus.registerSignals(controls, { name: "Controls" });
    const button = document.createElement("button");
    button.id = "expose";
    button.textContent = "Exposure 20 ms";
    button.onclick = () => controls.sigExposure.emit(20);
    document.body.append(button);
  });
  await connection.ready;
  await page.click("#expose");
  await page.click("#expose");
  // The next emission the host hears is proof the clicks came before it, in order.
  await new Promise<void>((resolve) => {
    if (exposures.length === 2) resolve();
    else
      setup.bus.signals("Controls").sigExposure!.connect(() => exposures.length === 2 && resolve());
  });
  expect(exposures).toEqual([20, 20]);
  connection.disconnect();
  await page.close();
});

test("an emission on the host updates the page, NDArray arguments included", async () => {
  const stage = { sigMoved: new Signal<[number, number, unknown]>() };
  setup.bus.registerSignals(stage, { name: "Stage" });
  const page = await open(setup.gateway.url);
  await page.evaluate(async () => {
    const { connectWeb, asNDArray } = window.sunflare;
    const bus = await connectWeb(location.href);
    const shown = document.createElement("p");
    shown.id = "position";
    document.body.append(shown);
    const connection = bus.connect("Stage", "sigMoved", (x: number, y: number, map: unknown) => {
      shown.textContent = `${x},${y} ${asNDArray(map).shape.join("x")}`;
    });
    await connection.ready;
  });
  stage.sigMoved.emit(1.5, -2, ndarray(new Float32Array(6), [2, 3]));
  await page.waitForFunction(
    () => document.getElementById("position")?.textContent === "1.5,-2 2x3",
  );
  await page.close();
});

test("the host sees the page as a member, and forgets it at once when the page closes or is closed", async () => {
  const left = (): Promise<[MemberInfo, string]> =>
    new Promise((resolve) =>
      setup.bus.membership.once("left", (info: MemberInfo, reason: string) =>
        resolve([info, reason]),
      ),
    );
  const page = await open(setup.gateway.url);
  const { member, seen } = await page.evaluate(async () => {
    const bus = await window.sunflare.connectWeb(location.href);
    bus.registerSignals({ sigClicked: new window.sunflare.Signal() }, { name: "Panel" });
    (window as unknown as { bus: unknown }).bus = bus;
    return { member: bus.member, seen: bus.members().map((info) => info.here) };
  });
  expect(seen[0]).toBe(true);
  expect(seen.length).toBeGreaterThanOrEqual(2);
  // Registered on the page: the host hears of it (a connection to it goes live).
  const wired = setup.bus.connect("Panel", "sigClicked", () => undefined, { deferred: true });
  await wired.ready;
  expect(setup.bus.members().find((info) => info.member === member)?.owners).toEqual(["Panel"]);
  // The page leaves by itself.
  let leaving = left();
  await page.evaluate(() => (window as unknown as { bus: { close(): Promise<void> } }).bus.close());
  expect(await leaving).toEqual([expect.objectContaining({ member }), "left"]);
  expect(setup.bus.has("Panel")).toBe(false);
  // A tab that is simply closed says nothing: the gateway leaves for it.
  const other = await open(setup.gateway.url);
  const otherMember = await other.evaluate(
    async () => (await window.sunflare.connectWeb(location.href)).member,
  );
  leaving = left();
  await other.close();
  // "left", not "silent": no waiting for missed heartbeats.
  expect(await leaving).toEqual([expect.objectContaining({ member: otherMember }), "left"]);
  wired.disconnect();
  await page.close();
});

test("a page too busy to beat stays a member while its connection is open", async () => {
  const silent: string[] = [];
  const onLeft = (info: MemberInfo, reason: string) => silent.push(`${info.member} ${reason}`);
  setup.bus.membership.on("left", onLeft);
  const page = await open(setup.gateway.url);
  const member = await page.evaluate(async () => {
    const bus = await window.sunflare.connectWeb(location.href);
    bus.registerSignals({ sigBusy: new window.sunflare.Signal() }, { name: "Busy" });
    return bus.member;
  });
  const wired = setup.bus.connect("Busy", "sigBusy", () => undefined, { deferred: true });
  await wired.ready;
  // Longer than three missed heartbeats (3 s): the page's timers cannot run meanwhile.
  await page.evaluate(() => {
    const start = performance.now();
    while (performance.now() - start < 4500);
  });
  expect(silent).toEqual([]);
  expect(setup.bus.members().some((info) => info.member === member)).toBe(true);
  setup.bus.membership.off("left", onLeft);
  wired.disconnect();
  await page.close();
});
