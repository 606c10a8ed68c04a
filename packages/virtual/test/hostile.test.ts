import { encode } from "@sunflare/codec";
import { Publisher } from "@sunflare/forwarder";
import type { Logger } from "@sunflare/wire";
import { REGISTRY_TOPIC } from "@sunflare/wire";
import { VirtualBus } from "../src/index.js";
import { Host } from "./helpers.js";

// Hostile input from a raw ZeroMQ peer on the host's forwarder: forged
// leavings and floods of malformed messages.

const heartbeatMs = 250;

/** A logger that keeps warnings and resolves `seen(text)` once a warning containing `text` arrived. */
function watchingLogger(): Logger & { warnings: string[]; seen: (text: string) => Promise<void> } {
  const warnings: string[] = [];
  const waiting: { text: string; resolve: () => void }[] = [];
  return {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (message) => {
      warnings.push(message);
      for (const wait of waiting.filter((w) => message.includes(w.text))) wait.resolve();
    },
    seen: (text) =>
      warnings.some((w) => w.includes(text))
        ? Promise.resolve()
        : new Promise((resolve) => waiting.push({ text, resolve })),
  };
}

test("a forged leaving of the host closes nobody, and a forged leaving of a member does not remove it", async () => {
  const hostLogger = watchingLogger();
  const host = new VirtualBus({ heartbeatMs, logger: hostLogger, forwarder: { transport: "tcp" } });
  let raw: Publisher | undefined;
  try {
    await host.ready();
    raw = new Publisher(host.address.publishAddress);
    host.registerSignals(new Host());
    const logger = watchingLogger();
    const member = await VirtualBus.join(host.address, { heartbeatMs, logger });
    const closed: string[] = [];
    member.membership.on("left", (info) => closed.push(info.member));
    const memberId = member.members()[0]!.member;
    const hostId = host.address.host;

    // No secret, a wrong secret: the host never leaves this way.
    await raw.sendFrames([REGISTRY_TOPIC, encode({ member: hostId, owners: {}, leaving: true })]);
    await raw.sendFrames([
      REGISTRY_TOPIC,
      encode({ member: hostId, owners: {}, leaving: true, secret: "00".repeat(16) }),
    ]);
    await logger.seen(`forged leaving message from ${JSON.stringify(hostId)}`);
    expect(member.members().map((info) => info.member)).toContain(hostId);
    expect(closed).toEqual([]);
    expect(member.has("Host")).toBe(true);

    // A wrong secret for the member: the host keeps it.
    const leftHost: string[] = [];
    host.membership.on("left", (info) => leftHost.push(info.member));
    await raw.sendFrames([
      REGISTRY_TOPIC,
      encode({ member: memberId, owners: {}, leaving: true, secret: "ff".repeat(16) }),
    ]);
    await hostLogger.seen(`forged leaving message from ${JSON.stringify(memberId)}`);
    const hostMembers = (): string[] => host.members().map((info) => info.member);
    expect(hostMembers()).toContain(memberId);

    // The real leaving, with the secret, still works at once.
    const left = new Promise<string>((resolve) =>
      host.membership.on("left", (info, reason) => {
        if (info.member === memberId) resolve(reason);
      }),
    );
    await member.shutdown();
    expect(await left).toBe("left");
    expect(leftHost).toEqual([memberId]);
  } finally {
    raw?.close();
    await host.shutdown();
  }
});

test("1,000 malformed registry messages from one sender give one warning and one count, and the bus goes on", async () => {
  const logger = watchingLogger();
  const host = new VirtualBus({ heartbeatMs, logger, forwarder: { transport: "tcp" } });
  let raw: Publisher | undefined;
  try {
    await host.ready();
    raw = new Publisher(host.address.publishAddress);
    host.registerSignals(new Host());
    for (let i = 0; i < 1000; i++) {
      await raw.sendFrames([REGISTRY_TOPIC, encode({ member: "garbage", owners: i })]);
    }
    await raw.sendFrames([REGISTRY_TOPIC, encode({ member: "marker", owners: 5 })]);
    await logger.seen(`from "marker"`);
    const about = (sender: string): string[] =>
      logger.warnings.filter((w) => w.includes(`from ${JSON.stringify(sender)}`));
    expect(about("garbage")).toHaveLength(1);
    expect(about("garbage")[0]).toContain("malformed registry");
    // The rest is counted, and reported at close.
    await host.shutdown();
    expect(about("garbage")).toHaveLength(2);
    expect(about("garbage")[1]).toContain("999 more malformed registry messages");
  } finally {
    raw?.close();
    await host.shutdown();
  }
});
