import type { Role } from "../src/index.js";
import { ClosedError, isSunflareError, Signal, slot, VirtualBus } from "../src/index.js";
import { once } from "./child.js";
import { failure, recordingLogger } from "./helpers.js";

// Once a bus is closed nothing waits for ever and nothing vanishes unsaid:
// readiness, connections, next() and calls reject with ClosedError (code
// "closed"), and an emission on a stand-in that reaches nobody is reported.

class Host {
  readonly sigPing = new Signal<[number]>();

  @slot hang(): Promise<never> {
    return new Promise(() => undefined);
  }
}

const heartbeatMs = 200;

async function closed(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => new Error("it resolved"),
    (error: unknown) => error,
  );
  expect(isSunflareError(error, "closed")).toBe(true);
  expect(error).toBeInstanceOf(ClosedError);
}

test("a member that shuts down rejects what waits on it, and reports emissions that reach nobody once", async () => {
  const host = new VirtualBus({ heartbeatMs });
  await host.ready();
  host.registerSignals(new Host());
  const logger = recordingLogger();
  const member = await VirtualBus.join(host.address, { heartbeatMs, logger });
  try {
    const ping = member.signals("Host").sigPing!;
    const waiting = ping.next();
    const waitingWithTimeout = ping.next({ timeoutMs: 60_000 });
    const call = member.call("Host", "hang");
    const deferred = member.connect("Elsewhere", "sigNever", () => undefined, { deferred: true });
    const deferredReady = deferred.ready;
    // A join under way, to a host that never answers.
    const role: Role = { kind: "member", address: { ...host.address, host: "nobody" } };
    const joining = new VirtualBus({ heartbeatMs, logger: recordingLogger() }, role);
    const joiningReady = joining.ready();

    await Promise.all([member.shutdown(), joining.shutdown()]);
    expect(member.state).toBe("closed");
    await closed(waiting);
    await closed(waitingWithTimeout);
    await closed(deferredReady);
    await closed(joiningReady);
    const error = await failure(call);
    expect(error.code).toBe("closed");
    await closed(joining.ready());

    const undelivered: unknown[][] = [];
    member.membership.on("undelivered", (...args) => void undelivered.push(args));
    ping.emit(1);
    ping.emit(2);
    expect(undelivered).toEqual([["Host", "sigPing", expect.stringMatching(/closed/)]]);
    expect(
      logger.warnings.filter((text) => text.includes("Host.sigPing reached only")),
    ).toHaveLength(1);
  } finally {
    await member.shutdown();
    await host.shutdown();
  }
});

test("a member whose host left closes (rejoin: false): its waiters reject, calls to the host with gone", async () => {
  const host = new VirtualBus({ heartbeatMs });
  await host.ready();
  host.registerSignals(new Host());
  const member = await VirtualBus.join(host.address, {
    heartbeatMs,
    rejoin: false,
    logger: recordingLogger(),
  });
  try {
    const ping = member.signals("Host").sigPing!;
    // Their failures are taken at once: they reject while the host shuts down.
    const waiting = ping.next().catch((error: unknown) => error);
    const call = failure(member.call("Host", "hang"));
    const pings = member.connect("Host", "sigPing", () => undefined);
    await pings.ready;
    const gone = once(member.membership, "closed");
    await host.shutdown();
    await gone;
    expect((await call).code).toBe("gone");
    // The owner's member went first: its stand-in will not emit again.
    expect(isSunflareError(await waiting, "gone")).toBe(true);
    await closed(pings.ready);
    expect(member.state).toBe("closed");
  } finally {
    await member.shutdown();
    await host.shutdown();
  }
});
