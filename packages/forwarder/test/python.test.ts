import { spawn } from "node:child_process";
import { join } from "node:path";
import { findPython } from "@sunflare/jest-config/python";
import { asNDArray } from "@sunflare/codec";
import { Forwarder, Publisher, Subscriber } from "../src/index.js";

const { python, tried } = findPython("zmq, msgpack, numpy");

if (python === undefined) {
  test("needs a Python with pyzmq, msgpack and numpy for the interoperability test", () => {
    const why = `no Python with zmq, msgpack and numpy among ${tried.join(", ")} (set SUNFLARE_PYTHON, or install python3-zmq python3-msgpack python3-numpy)`;
    if (process.env.CI === "true") throw new Error(why);
    console.warn(`Python interoperability not tested: ${why}`);
  });
} else {
  test(`a plain pyzmq peer (${python}) publishes to and receives from the bus over tcp`, async () => {
    const forwarder = new Forwarder({ transport: "tcp" });
    const subscriber = new Subscriber(forwarder, { topics: "py/out" });
    const publisher = new Publisher(forwarder);
    try {
      await subscriber.ready();
      const peer = spawn(
        python,
        [
          join(__dirname, "fixtures", "peer.py"),
          forwarder.publishAddress,
          forwarder.subscribeAddress,
        ],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let output = "";
      peer.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => peer.once("exit", resolve));

      const message = await subscriber.receive();
      const value = message.value as { from: string; frame: unknown };
      const frame = asNDArray(value.frame);
      expect([message.topic, value.from, frame.dtype, frame.shape, [...frame.data]]).toEqual([
        "py/out",
        "python",
        "uint16",
        [2, 3],
        [0, 1, 2, 3, 4, 5],
      ]);

      // Our subscriber and the Python one.
      await publisher.waitForSubscribers(2);
      await publisher.send("py/in", { from: "typescript", values: [1.5, 2] });
      expect(await exited).toBe(0);
      expect(JSON.parse(output)).toEqual({
        topic: "py/in",
        value: { from: "typescript", values: [1.5, 2] },
      });
    } finally {
      publisher.close();
      subscriber.close();
      await forwarder.stop();
    }
  });
}
