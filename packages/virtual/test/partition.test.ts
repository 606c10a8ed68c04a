import { execFileSync } from "node:child_process";
import { curveKeyPair } from "../src/index.js";
import type { BusAddress } from "../src/index.js";
import type { Child } from "./child.js";
import { startChild } from "./child.js";

// A partition between two machines, for real: two network namespaces joined
// by a veth pair, the host in one and a member in the other (child
// processes, tcp with CURVE). The link goes down past the heartbeat window,
// then up again. Traffic stays inside the namespaces made here.

const suffix = String(process.pid % 100_000);
const hostNs = `sf25h${suffix}`;
const memberNs = `sf25m${suffix}`;
const hostLink = `sfh${suffix}`;
const memberLink = `sfm${suffix}`;
const hostIp = "10.213.7.1";
const memberIp = "10.213.7.2";
const heartbeatMs = 200;

const ip = (...args: string[]): void => void execFileSync("ip", args, { stdio: "pipe" });
const inNs = (ns: string, ...args: string[]): void => ip("netns", "exec", ns, "ip", ...args);

function removeNamespaces(): void {
  for (const ns of [hostNs, memberNs]) {
    try {
      ip("netns", "del", ns);
    } catch {
      // Not made, or gone already.
    }
  }
}

/** Makes both namespaces and the veth pair; `undefined` when it works, or why it cannot. */
function makeNamespaces(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  try {
    ip("netns", "add", hostNs);
    ip("netns", "add", memberNs);
    ip(
      "link",
      "add",
      hostLink,
      "netns",
      hostNs,
      "type",
      "veth",
      "peer",
      "name",
      memberLink,
      "netns",
      memberNs,
    );
    for (const [ns, link, address] of [
      [hostNs, hostLink, hostIp],
      [memberNs, memberLink, memberIp],
    ] as const) {
      inNs(ns, "link", "set", "lo", "up");
      inNs(ns, "addr", "add", `${address}/24`, "dev", link);
      inNs(ns, "link", "set", link, "up");
    }
    return undefined;
  } catch (error) {
    removeNamespaces();
    return `ip netns failed: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}`;
  }
}

const unavailable = makeNamespaces();
// Also when jest stops early: nothing is left behind.
process.once("exit", removeNamespaces);
afterAll(removeNamespaces);
if (unavailable !== undefined) {
  console.log(
    `partition.test.ts skipped: network namespaces cannot be made here (${unavailable}).`,
  );
}
const partitionTest = unavailable === undefined ? test : test.skip;
// Two child processes start from TypeScript source on a busy machine.
jest.setTimeout(60_000);

partitionTest(
  "a partition past the heartbeat window: both sides see the other gone, then the member is back",
  async () => {
    const curve = curveKeyPair();
    const host = startChild(
      "rejoin-host.ts",
      { host: hostIp, publishPort: 0, subscribePort: 0, heartbeatMs, level: 1, curve },
      hostNs,
    );
    let member: Child | undefined;
    try {
      const address = (await host.report((r) => "address" in r)).address as BusAddress;
      expect(address.publishAddress).toContain(hostIp);
      member = startChild("partition-member.ts", { address, heartbeatMs }, memberNs);
      const id = (await member.report((r) => "live" in r)).live as string;
      await host.report((r) => r.pongsLive === true);
      const roundTrip = async (n: number): Promise<void> => {
        const pong = host.report((r) => r.pong === n * 10);
        host.send({ ping: n });
        await pong;
      };
      await roundTrip(1);
      member.send({ call: "hang" });

      inNs(hostNs, "link", "set", hostLink, "down");
      const hostSaw = await host.report((r) => r.left === id);
      expect(hostSaw.reason).toBe("silent");
      expect((await member.report((r) => "lost" in r)).lost).toBe("silent");
      expect((await member.report((r) => r.call === "hang")).code).toBe("gone");
      expect(member.reports.some((r) => r.state === "closed")).toBe(false);

      inNs(hostNs, "link", "set", hostLink, "up");
      expect((await member.report((r) => "rejoined" in r)).rejoined).toBe(address.host);
      const after = (r: Record<string, unknown>): boolean =>
        host.reports.indexOf(r) > host.reports.indexOf(hostSaw);
      await host.report((r) => r.pongsLive === true && after(r));
      await member.report((r) => r.again === true);
      await roundTrip(2);
      member.send({ call: "echo", args: ["after"] });
      expect((await member.report((r) => r.call === "echo")).result).toBe("after");
    } finally {
      member?.process.kill("SIGKILL");
      host.process.kill("SIGKILL");
      await Promise.all([member?.exited, host.exited]);
    }
  },
);
