import type { Message } from "../src/index.js";
import { launch, Signal, slot, VirtualBus } from "../src/index.js";

// The seed example of the README, end to end: an Emitter plugin and a
// Receiver plugin wired through the bus's signals, plus a data stream.

class Emitter {
  readonly sigSender = new Signal<[number]>();
  readonly #publisher;
  constructor(private readonly bus: VirtualBus) {
    this.#publisher = bus.connectPublisher();
  }
  registrationPhase(): void {
    this.bus.registerSignals(this);
  }
  async acquire(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.sigSender.emit(i);
      await this.#publisher.send("emitter/data", { i, square: i * i });
    }
  }
  shutdown(): void {
    this.#publisher.close();
  }
}

class Receiver {
  readonly sigData = new Signal<[unknown]>();
  readonly values: number[] = [];
  readonly data: unknown[] = [];
  readonly subscriber;
  constructor(private readonly bus: VirtualBus) {
    this.subscriber = bus.connectSubscriber("emitter", { consume: this.onData });
  }
  connectionPhase(): void {
    this.bus.signals("Emitter").sigSender?.connect(this.onValue);
  }
  @slot onValue(value: number): void {
    this.values.push(value);
  }
  @slot onData(message: Message): void {
    this.data.push(message.value);
    this.sigData.emit(message.value);
  }
}

test("the seed example: Emitter and Receiver plugins over signals and a data stream", async () => {
  const bus = new VirtualBus();
  const emitter = new Emitter(bus);
  const receiver = new Receiver(bus);
  const session = await launch(bus, [emitter, receiver]);
  await receiver.subscriber.ready();
  await emitter.acquire(3);
  expect(receiver.values).toEqual([0, 1, 2]);
  // The stream is asynchronous: the receiver's own signal says when data arrived.
  while (receiver.data.length < 3) await receiver.sigData.next();
  expect(receiver.data).toEqual([
    { i: 0, square: 0 },
    { i: 1, square: 1 },
    { i: 2, square: 4 },
  ]);
  await session.shutdown();
  expect(receiver.subscriber.closed).toBe(true);
});
