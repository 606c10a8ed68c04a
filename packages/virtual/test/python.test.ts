import { spawn } from "node:child_process";
import { join } from "node:path";
import { findPython } from "@sunflare/jest-config/python";
import { Signal, VirtualBus } from "../src/index.js";

// A Python peer with only pyzmq and msgpack is a member of the bus (wire
// protocol version 1): it owns a signal a TypeScript plugin connects to, and
// receives a TypeScript emission by subscribing to its topic.

const { python, tried } = findPython("zmq, msgpack");

class Stage {
  readonly sigMoved = new Signal<[x: number, label: string]>();
}

if (python === undefined) {
  test("needs a Python with pyzmq and msgpack for the protocol test", () => {
    const why = `no Python with zmq and msgpack among ${tried.join(", ")} (set SUNFLARE_PYTHON, or install python3-zmq python3-msgpack)`;
    if (process.env.CI === "true") throw new Error(why);
    console.warn(`Python protocol peer not tested: ${why}`);
  });
} else {
  test(`a pyzmq peer (${python}) owns a signal a plugin connects to, and receives an emission`, async () => {
    const heartbeatMs = 250;
    const bus = new VirtualBus({ heartbeatMs, forwarder: { transport: "tcp" } });
    try {
      await bus.ready();
      const stage = new Stage();
      bus.registerSignals(stage);
      const { publishAddress, subscribeAddress, host } = bus.address;
      let counted!: (value: number) => void;
      const count = new Promise<number>((resolve) => (counted = resolve));
      const connection = bus.connect("PyCounter", "sigCount", (n: number) => counted(n), {
        deferred: true,
      });
      const peer = spawn(
        python,
        [
          join(__dirname, "fixtures", "peer.py"),
          publishAddress,
          subscribeAddress,
          host,
          String(heartbeatMs / 1000),
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let output = "";
      peer.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => peer.once("exit", resolve));

      expect(await count).toBe(41);
      expect(connection.connected).toBe(true);
      expect(bus.members().map((info) => info.owners)).toEqual([["Stage"], ["PyCounter"]]);
      const left = new Promise<string>((resolve) =>
        bus.membership.on("left", (info, reason) => {
          if (info.member === "python-peer") resolve(reason);
        }),
      );
      stage.sigMoved.emit(1.5, "moved");
      expect(await exited).toBe(0);
      expect(JSON.parse(output)).toEqual({
        topic: "\0sunflare/signal/Stage/sigMoved",
        args: [1.5, "moved"],
      });
      expect(await left).toBe("left");
      expect(bus.has("PyCounter")).toBe(false);
      expect(connection.pending).toBe(true);
    } finally {
      await bus.shutdown();
    }
  });
}
