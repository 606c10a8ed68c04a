import type { Transport } from "../src/index.js";
import { runCapacity } from "../test/reliability/capacity-run.js";
import { numberArg, stringArg } from "./args.js";

// Under capacity nothing is lost, at soak size: 1,000,000 sequenced messages
// from 4 publishers to 4 subscribers (the CI test sends 100,000).
//
//   node --conditions=@sunflare/source --import tsx soak/capacity.ts [--total 1000000] [--transport ipc]

const publishers = numberArg("publishers", 4);
const subscribers = numberArg("subscribers", 4);
const total = numberArg("total", 1_000_000);
const transport = stringArg("transport", "inproc") as Transport;
const perPublisher = Math.ceil(total / publishers);
const result = await runCapacity({ publishers, subscribers, perPublisher, transport });
const complete = result.counts.every((row) => row.every((count) => count === perPublisher));
console.log(
  JSON.stringify({
    transport,
    publishers,
    subscribers,
    sent: perPublisher * publishers,
    deliveries: result.counts.flat().reduce((a, b) => a + b, 0),
    complete,
    outOfOrder: result.outOfOrder,
    seconds: +(result.ms / 1000).toFixed(1),
    messagesPerSecond: Math.round((perPublisher * publishers) / (result.ms / 1000)),
  }),
);
if (!complete || result.outOfOrder > 0) process.exitCode = 1;
