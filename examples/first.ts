import { launch, Signal, slot, VirtualBus } from "@sunflare/virtual";

class Emitter {
  readonly sigSender = new Signal<[number]>();
  readonly #publisher;

  constructor(private readonly bus: VirtualBus) {
    this.#publisher = bus.connectPublisher();
  }

  registrationPhase(): void {
    this.bus.registerSignals(this); // under "Emitter"
  }

  async acquire(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.sigSender.emit(i); // control: synchronous, in-process
      await this.#publisher.send("emitter/data", { i, square: i * i }); // data: through the forwarder
    }
  }

  shutdown(): void {
    this.#publisher.close();
  }
}

class Receiver {
  constructor(private readonly bus: VirtualBus) {}

  connectionPhase(): void {
    this.bus.connect("Emitter", "sigSender", this.onValue);
  }

  @slot onValue(value: number): void {
    console.log("signal", value);
  }
}

const bus = new VirtualBus();
const emitter = new Emitter(bus);
const session = await launch(bus, [emitter, new Receiver(bus)]);

const subscriber = bus.connectSubscriber("emitter");
await subscriber.ready(); // from here on, nothing published is lost: no sleeps
await emitter.acquire(2);
for await (const message of subscriber) {
  console.log("data", message.topic, message.value);
  if ((message.value as { i: number }).i === 1) break;
}
await session.shutdown(); // Receiver, Emitter, then the bus; the process exits by itself
