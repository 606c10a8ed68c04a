import { checkGarbageProperty } from "../test/reliability/garbage-property.js";
import { numberArg } from "./args.js";

// Garbage on the wire at soak size (the CI test runs a few hundred cases).
//
//   node --conditions=@sunflare/source --import tsx soak/garbage.ts --runs 10000 [--seed 42]

const runs = numberArg("runs", 10_000);
const seed = process.argv.includes("--seed") ? numberArg("seed", 0) : undefined;
let rejections = 0;
process.on("unhandledRejection", (reason) => {
  rejections++;
  console.error("unhandled rejection", reason);
});
const started = performance.now();
const totals = await checkGarbageProperty(runs, seed);
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    runs,
    ...totals,
    unhandledRejections: rejections,
    seconds: +seconds.toFixed(1),
  }),
);
if (rejections > 0) process.exitCode = 1;
