import { join } from "node:path";
import { lastJson, runScript } from "./spawn-ts.js";

interface Seen {
  seqs: number[];
  errors: [string, string | undefined][];
}
interface Result {
  stats: Record<"throws" | "rejects" | "logged" | "healthy" | "iterated", Seen>;
  unhandled: string[];
}

const total = 300;
const all = Array.from({ length: total }, (_, i) => i);

test("consumers that throw or reject are reported with the topic, never an unhandled rejection, and never stop delivery to anyone", async () => {
  const run = await runScript(
    join(__dirname, "fixtures", "faulty-consumers.ts"),
    [String(total)],
    25_000,
  );
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const { stats, unhandled } = lastJson<Result>(run.stdout);
  expect(unhandled).toEqual([]);
  // Every subscriber, failing or not, saw the whole stream in order.
  for (const seen of Object.values(stats)) expect(seen.seqs).toEqual(all);
  // Each failure reported exactly once, in order, with its topic.
  expect(stats.throws.errors).toEqual(
    all.filter((seq) => seq % 2 === 1).map((seq) => [`sync ${seq}`, "seq"]),
  );
  expect(stats.rejects.errors).toEqual(
    all
      .filter((seq) => seq % 3 !== 2)
      .map((seq) => [seq % 3 === 0 ? `reason ${seq}` : `async ${seq}`, "seq"]),
  );
  // Without an error listener, the logger gets each one, naming the topic.
  expect(stats.logged.errors).toEqual(
    all.map((seq) => [`always ${seq}`, 'Subscriber error on topic "seq"']),
  );
  expect(stats.healthy.errors).toEqual([]);
});
