import { runCapacity } from "./capacity-run.js";

// The soak sends 1,000,000 messages the same way: soak/capacity.ts.
test("under capacity nothing is lost: 100,000 messages from 4 publishers reach 4 subscribers complete and in per-publisher order", async () => {
  const perPublisher = 25_000;
  const result = await runCapacity({ publishers: 4, subscribers: 4, perPublisher });
  expect(result.outOfOrder).toBe(0);
  expect(result.counts).toEqual(
    Array.from({ length: 4 }, () => new Array<number>(4).fill(perPublisher)),
  );
});
