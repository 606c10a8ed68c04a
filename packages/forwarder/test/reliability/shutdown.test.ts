import { join } from "node:path";
import { lastJson, runScript } from "./spawn-ts.js";

interface Result {
  rounds: number;
  maxMs: number;
  failures: string[];
  unhandled: number;
  endedAt: number;
}

// The soak runs 50 rounds of the same script.
test("shutdown under load: rounds of start, flat-out publishing and shutdown mid-stream end fast, error-free, and the process exits by itself", async () => {
  const rounds = 10;
  // Each round: bus.shutdown(), sockets then forwarder, or forwarder then
  // sockets; over inproc, ipc and tcp in turn.
  const run = await runScript(
    join(__dirname, "..", "..", "soak", "shutdown.ts"),
    ["--rounds", String(rounds), "--limit-ms", "2000"],
    40_000,
  );
  expect(run.stderr).toBe("");
  const result = lastJson<Result>(run.stdout);
  expect(result.failures).toEqual([]);
  expect(result.unhandled).toBe(0);
  expect(result.rounds).toBe(rounds);
  expect(result.maxMs).toBeLessThan(2000);
  // Nothing left open: the process ended on its own right after its last round.
  expect(run.code).toBe(0);
  expect(run.exitedAt - result.endedAt).toBeLessThan(2000);
});
