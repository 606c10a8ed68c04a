import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { findPython } from "@sunflare/jest-config/python";
import { CallError, Property, VirtualBus } from "../src/index.js";
import { failure, known } from "./helpers.js";

// A Python peer with only pyzmq and msgpack is a version-2 member of the bus
// (fixtures/peer-calls.py): it calls slots of the host and sets a property
// the host owns, and it owns a slot the host calls, then leaves while one of
// the host's calls is still in flight.

const { python, tried } = findPython("zmq, msgpack");

const PEER = "python-calls-peer";

class Camera {
  readonly exposure = new Property(25, {
    validate: (next: number) => {
      if (!(next > 0)) throw new RangeError("exposure must be positive");
    },
  });
}

if (python === undefined) {
  test("needs a Python with pyzmq and msgpack for the protocol test", () => {
    const why = `no Python with zmq and msgpack among ${tried.join(", ")} (set SUNFLARE_PYTHON, or install python3-zmq python3-msgpack)`;
    if (process.env.CI === "true") throw new Error(why);
    console.warn(`Python protocol peer not tested: ${why}`);
  });
} else {
  test(`a pyzmq peer (${python}) calls slots, sets a property, serves a slot, and leaves`, async () => {
    const heartbeatMs = 250;
    const bus = new VirtualBus({ heartbeatMs, forwarder: { transport: "tcp" } });
    let peer: ReturnType<typeof spawn> | undefined;
    try {
      await bus.ready();
      const camera = new Camera();
      bus.registerSignals(camera);
      const changes: number[] = [];
      camera.exposure.changed.connect((value) => changes.push(value));
      bus.registerSignals(
        {
          add: (a: number, b: number) => a + b,
          fail: (message: string) => {
            throw new Error(message);
          },
        },
        { name: "Calc", slots: ["add", "fail"] },
      );
      const joined = known(bus, "PyAdder");
      const { publishAddress, subscribeAddress, host } = bus.address;
      const child = spawn(
        python,
        [
          join(__dirname, "fixtures", "peer-calls.py"),
          publishAddress,
          subscribeAddress,
          host,
          String(heartbeatMs / 1000),
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      peer = child;
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const stdout = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const output: unknown[] = [];
      /** The peer's next line on stdout, parsed. */
      const line = async (): Promise<unknown> => {
        const next = await stdout.next();
        if (next.done === true)
          throw new Error(`the peer ended its output after ${output.length} lines`);
        const parsed = JSON.parse(next.value) as unknown;
        output.push(parsed);
        return parsed;
      };

      // 3. The peer read the value from the values message answering its hello.
      expect(await line()).toEqual({ read: "Camera.exposure", value: 25 });
      // 1. It calls the host's slots through the host's inbox.
      expect(await line()).toEqual({ call: "Calc.add", result: 5 });
      expect(await line()).toEqual({
        call: "Calc.fail",
        error: {
          code: "remote",
          message: "Calc.fail threw: boom",
          remote: { name: "Error", message: "boom", stack: "Error: boom" },
        },
      });
      expect(await line()).toEqual({
        call: "Calc.nope",
        error: { code: "unknown", message: "Class Calc has no slot nope; not called." },
      });
      // 3. It sets the property: the values message came before the result.
      expect(await line()).toEqual({
        set: "Camera.exposure",
        value: 40,
        result: 40,
        announced: 40,
      });
      expect(camera.exposure.value).toBe(40);
      expect(changes).toEqual([40]);
      expect(await line()).toEqual({
        set: "Camera.exposure",
        value: -1,
        error: {
          code: "remote",
          message: "Camera.exposure threw: exposure must be positive",
          remote: {
            name: "RangeError",
            message: "exposure must be positive",
            stack: "RangeError: exposure must be positive",
          },
        },
        announced: null,
      });
      expect(camera.exposure.value).toBe(40);
      expect(changes).toEqual([40]);

      // 2. It serves PyAdder.add, listed in its registry's slots.
      await joined;
      expect(bus.registry.slots("PyAdder")).toEqual(["add", "hold"]);
      expect(bus.members().find((info) => info.member === PEER)?.owners).toEqual(["PyAdder"]);
      expect(await bus.call("PyAdder", "add", [2, 3])).toBe(5);
      expect(await line()).toEqual({ served: "PyAdder.add", args: [2, 3] });
      const raised = await failure(bus.call("PyAdder", "add", [1]));
      expect(raised.code).toBe("remote");
      expect(raised.remote?.name).toBe("ValueError");
      expect(await line()).toEqual({ served: "PyAdder.add", args: [1] });
      // A slot the peer does not list: rejected here at once, never sent.
      const unlisted = bus.call("PyAdder", "nope", []);
      const early = await Promise.race([
        unlisted.then(
          () => "resolved",
          (error: unknown) => error,
        ),
        new Promise((resolve) => setImmediate(() => resolve("still pending"))),
      ]);
      expect(early).toBeInstanceOf(CallError);
      expect((early as CallError).code).toBe("unknown");

      // 4. A call it never answers is pending when it leaves: "gone".
      const left = new Promise<string>((resolve) =>
        bus.membership.on("left", (info, reason) => {
          if (info.member === PEER) resolve(reason);
        }),
      );
      const held = bus.call("PyAdder", "hold", []);
      const gone = await failure(held);
      expect(gone.code).toBe("gone");
      expect(await left).toBe("left");
      expect(await line()).toEqual({ served: "PyAdder.hold", args: [] });
      expect(await exited).toBe(0);
      expect((await stdout.next()).done).toBe(true);
      expect(bus.has("PyAdder")).toBe(false);
      expect(bus.members().map((info) => info.member)).toEqual([bus.member]);
    } finally {
      if (peer?.exitCode === null && peer.signalCode === null) peer.kill();
      await bus.shutdown();
    }
  });
}
