import * as zmq from "zeromq";
import { curveKeyPair, Forwarder, Publisher, Subscriber } from "../src/index.js";
import { addressesOf, releaseAfterEach } from "./helpers.js";

const { open, stopAfter } = releaseAfterEach();
let forwarder: Forwarder;

/**
 * Resolves with the first of `types` the socket reports. Reads the observer
 * directly: zeromq's `events.on()` emitter is installed once per process and
 * breaks in the second Jest test file of a worker.
 */
async function firstEvent(socket: zmq.Socket, types: zmq.EventType[]): Promise<string> {
  for (;;) {
    const event = await socket.events.receive();
    if (types.includes(event.type)) return event.type;
  }
}

test("maxMessageSize: an oversize message is dropped and its sender disconnected; others are unaffected", async () => {
  forwarder = stopAfter(new Forwarder({ transport: "tcp", maxMessageSize: 1024 }));
  await forwarder.start();
  const subscriber = open(new Subscriber(forwarder));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();
  // A raw peer that ignores the limit.
  const offender = open(new zmq.XPublisher());
  offender.connect(forwarder.publishAddress);
  await offender.receive(); // its first subscription notice: it is connected and subscribed
  const disconnected = firstEvent(offender, ["disconnect"]);
  await offender.send(["big", Buffer.alloc(4096)]);
  expect(await disconnected).toBe("disconnect");
  await publisher.send("small", "fits");
  const message = await subscriber.receive();
  expect([message.topic, message.value]).toEqual(["small", "fits"]);
});

test("curve: authorised publishers and subscribers work, given the Forwarder or only its key, receiving on this thread or off it", async () => {
  forwarder = stopAfter(new Forwarder({ transport: "tcp", curve: curveKeyPair() }));
  await forwarder.start();
  const serverKey = forwarder.curveServerKey!;
  const local = open(new Subscriber(forwarder, { topics: "secret" }));
  // A remote peer knows the addresses and the server's public key only.
  const remote = open(
    new Subscriber(addressesOf(forwarder), {
      topics: "secret",
      curve: { serverKey, ...curveKeyPair() },
    }),
  );
  const offThread = open(new Subscriber(forwarder, { topics: "secret", offThread: true }));
  const publisher = open(new Publisher(forwarder.publishAddress, { curve: { serverKey } }));
  await Promise.all([local.ready(), remote.ready(), offThread.ready()]);
  await publisher.send("secret", 42);
  expect((await local.receive()).value).toBe(42);
  expect((await remote.receive()).value).toBe(42);
  expect((await offThread.receive()).value).toBe(42);
});

test("curve: a peer without the key can neither receive nor inject", async () => {
  forwarder = stopAfter(new Forwarder({ transport: "tcp", curve: curveKeyPair() }));
  await forwarder.start();
  const subscriber = open(new Subscriber(forwarder));
  const publisher = open(new Publisher(forwarder));
  await subscriber.ready();

  const plainReader = open(new zmq.Subscriber({ receiveTimeout: 0 }));
  plainReader.subscribe("");
  const wrongKey = curveKeyPair();
  const guessingReader = open(
    new zmq.Subscriber({
      receiveTimeout: 0,
      curveServerKey: curveKeyPair().publicKey,
      curvePublicKey: wrongKey.publicKey,
      curveSecretKey: wrongKey.secretKey,
    }),
  );
  guessingReader.subscribe("");
  const injector = open(new zmq.Publisher());
  const rejected = [
    firstEvent(plainReader, [
      "handshake",
      "handshake:error:protocol",
      "handshake:error:other",
      "handshake:error:auth",
    ]),
    firstEvent(guessingReader, [
      "handshake",
      "handshake:error:protocol",
      "handshake:error:other",
      "handshake:error:auth",
    ]),
    firstEvent(injector, [
      "handshake",
      "handshake:error:protocol",
      "handshake:error:other",
      "handshake:error:auth",
    ]),
  ];
  plainReader.connect(forwarder.subscribeAddress);
  guessingReader.connect(forwarder.subscribeAddress);
  injector.connect(forwarder.publishAddress);
  const outcomes = await Promise.all(rejected);
  expect(outcomes.every((outcome) => outcome.startsWith("handshake:error"))).toBe(true);

  await injector.send(["injected", "evil"]);
  await publisher.send("legit", "ok");
  const message = await subscriber.receive();
  expect([message.topic, message.value]).toEqual(["legit", "ok"]);
  await expect(plainReader.receive()).rejects.toMatchObject({ code: "EAGAIN" });
  await expect(guessingReader.receive()).rejects.toMatchObject({ code: "EAGAIN" });
});

test("a subscriber's own maxMessageSize: an oversize message is reported once, then the subscriber reconnects and receives again", async () => {
  forwarder = stopAfter(new Forwarder({ transport: "tcp" }));
  await forwarder.start();
  const bounded = open(
    new Subscriber(forwarder, { topics: ["big", "small"], maxMessageSize: 1024 }),
  );
  const unbounded = open(new Subscriber(forwarder, { topics: ["big", "small"] }));
  const errors: unknown[] = [];
  const reported = new Promise<void>((resolve) =>
    bounded.on("error", (error) => {
      errors.push(error);
      resolve();
    }),
  );
  const publisher = open(new Publisher(forwarder));
  await Promise.all([bounded.ready(), unbounded.ready()]);
  await publisher.send("small", "before");
  expect((await bounded.receive()).value).toBe("before");

  await publisher.send("big", new Uint8Array(4096));
  await reported;
  expect(String(errors[0])).toContain("larger than this subscriber's maxMessageSize (1024 bytes)");
  // Back on the bus: readiness holds again, and later messages arrive.
  await bounded.ready();
  await publisher.send("small", "after");
  expect((await bounded.receive()).value).toBe("after");
  expect(errors).toHaveLength(1);
  // A subscriber without the limit got everything.
  const values = [];
  for (let i = 0; i < 3; i++) values.push((await unbounded.receive()).topic);
  expect(values).toEqual(["small", "big", "small"]);
});
