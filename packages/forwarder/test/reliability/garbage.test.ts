import { checkGarbageProperty } from "./garbage-property.js";

// The soak runs the same property with 10,000 cases and a process-level
// unhandledRejection listener: soak/garbage.ts. (In a Jest test file an
// unhandled rejection fails the test by itself.)
const runs = Number(process.env.SUNFLARE_GARBAGE_RUNS ?? 300);

test(`garbage on the wire (${runs} property cases): the subscriber survives, reports each bad message once with its topic, delivers every good message and every other shape in order, and never the bus's own topics`, async () => {
  const totals = await checkGarbageProperty(runs);
  expect(totals.good).toBeGreaterThan(runs);
  expect(totals.bad).toBeGreaterThan(runs);
});
