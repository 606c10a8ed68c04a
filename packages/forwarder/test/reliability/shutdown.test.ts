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
    25_000,
  );
  // Publishers linger up to 1 s (PublisherOptions.linger) to deliver what is
  // still queued, and zeromq says so at exit; anything else is a failure.
  const stderr = run.stderr
    .split("\n")
    .filter((line) => !/Waiting for queued ZeroMQ messages|--trace-warnings/.test(line))
    .join("\n")
    .trim();
  expect(stderr).toBe("");
  const result = lastJson<Result>(run.stdout);
  expect(result.failures).toEqual([]);
  expect(result.unhandled).toBe(0);
  expect(result.rounds).toBe(rounds);
  expect(result.maxMs).toBeLessThan(2000);
  // Nothing left open: the process ended on its own right after its last round.
  expect(run.code).toBe(0);
  // (Within the 1 s linger, with room for a loaded machine.)
  expect(run.exitedAt - result.endedAt).toBeLessThan(3000);
});
