// A page calls slots and reads and sets properties of plugins in Node, and serves its own.
import { CallError, Property } from "@sunflare/signal";
import { usePages, useServed } from "./browser.js";

const open = usePages();
const setup = useServed();

let owners = 0;

/** Registers a Stage-like owner under a fresh name, with a move that reports progress. */
function stage(): { name: string; finished: string[]; exposure: Property<number> } {
  const name = `Stage${++owners}`;
  const finished: string[] = [];
  const exposure = new Property(25, {
    validate: (ms: number) => {
      if (!(ms > 0)) throw new RangeError("exposure must be positive");
    },
  });
  const owner = {
    exposure,
    async *moveTo(x: number, y: number): AsyncGenerator<number[], number[]> {
      try {
        for (let step = 1; step <= 3; step++) {
          await Promise.resolve();
          yield [(x * step) / 3, (y * step) / 3];
        }
        return [x, y];
      } finally {
        finished.push(`moveTo ${x},${y}`);
      }
    },
    async *spin(): AsyncGenerator<string, never> {
      try {
        for (;;) {
          yield "turn";
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } finally {
        finished.push("spin");
      }
    },
    jam(): never {
      throw new TypeError("jammed");
    },
  };
  setup.bus.registerSignals(owner, { name, slots: ["moveTo", "spin", "jam"] });
  return { name, finished, exposure };
}

test("a page calls a slot in Node: result, progress in order, remote errors, unknown, cancel", async () => {
  const { name, finished } = stage();
  const page = await open(setup.gateway.url);
  const outcome = await page.evaluate(async (owner) => {
    const { connectWeb, CallError } = window.sunflare;
    const bus = await connectWeb(location.href);
    const code = async (call: Promise<unknown>): Promise<string> =>
      call.then(
        () => "resolved",
        (error: unknown) =>
          error instanceof CallError ? `${error.code} ${error.remote?.message ?? ""}` : "other",
      );
    const progress: unknown[] = [];
    const move = bus.call(owner, "moveTo", [3, 6]);
    move.progress.connect((at: unknown) => progress.push(at));
    const result = await move;
    const spin = bus.call(owner, "spin");
    await spin.progress.next();
    spin.cancel();
    return {
      result,
      progress,
      jam: await code(bus.call(owner, "jam")),
      unknown: await code(bus.call(owner, "fly")),
      spin: await code(spin),
    };
  }, name);
  expect(outcome).toEqual({
    result: [3, 6],
    progress: [
      [1, 2],
      [2, 4],
      [3, 6],
    ],
    jam: "remote jammed",
    unknown: "unknown ",
    spin: "aborted ",
  });
  // The generator was returned in Node: its finally ran there.
  while (!finished.includes("spin")) await new Promise((resolve) => setImmediate(resolve));
  expect(finished).toEqual([`moveTo 3,6`, "spin"]);
  await page.close();
});

test("a page opened mid-session shows a property's value at once, sets it, and sees refusals", async () => {
  const { name, exposure } = stage();
  await exposure.set(40);
  const page = await open(setup.gateway.url);
  const outcome = await page.evaluate(async (owner) => {
    const { connectWeb } = window.sunflare;
    const bus = await connectWeb(location.href);
    const property = bus.properties(owner).exposure!;
    const atLoad = property.value as number;
    const changed: unknown[] = [];
    property.changed.connect((ms: unknown) => changed.push(ms));
    const accepted = await property.set(60);
    const refused = await property.set(-1).then(
      () => "accepted",
      (error: { code?: string; remote?: { message: string } }) =>
        `${error.code} ${error.remote?.message}`,
    );
    return { atLoad, accepted, after: property.value, changed, refused };
  }, name);
  expect(outcome).toEqual({
    atLoad: 40,
    accepted: 60,
    after: 60,
    changed: [60],
    refused: "remote exposure must be positive",
  });
  expect(exposure.value).toBe(60);
  await page.close();
});

test("Node calls a slot a page serves, and reads the page's property", async () => {
  const page = await open(setup.gateway.url);
  await page.evaluate(async () => {
    const { connectWeb, Property } = window.sunflare;
    const bus = await connectWeb(location.href);
    const panel = {
      zoom: new Property(2),
      double: (x: number) => 2 * x,
      hold: () => new Promise(() => undefined),
    };
    bus.registerSignals(panel, { name: "Panel", slots: ["double", "hold"] });
  });
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (setup.bus.has("Panel")) resolve();
    };
    setup.bus.registry.on("registered", check);
    check();
  });
  expect(setup.bus.properties("Panel").zoom!.value).toBe(2);
  expect(await setup.bus.call("Panel", "double", [21])).toBe(42);
  // A call the page never answers: its member leaves with the page, and the call is gone.
  const held = setup.bus.call("Panel", "hold").then(
    () => "resolved",
    (error: unknown) => (error instanceof CallError ? error.code : "other"),
  );
  await page.close();
  expect(await held).toBe("gone");
});
