// The first module of a member placed by `inWorker` or `inProcess`: a worker
// thread reads its start request from `workerData`, a child process from its
// first IPC message. It registers tsx when the member loads TypeScript, then
// hands over to src/member-runtime.ts through the package's own export (so the
// host's export conditions choose source or dist). Plain JavaScript: it runs
// as shipped, from source and from dist.
import { parentPort, workerData } from "node:worker_threads";

const start = parentPort
  ? workerData
  : await new Promise((resolve) => process.once("message", resolve));
if (start.tsx) {
  const { register } = await import(start.tsx);
  register();
}
const { runPlacedMember } = await import("@sunflare/virtual/member-runtime");

/** @type {import("../src/member-runtime.js").ControlChannel} */
const channel = parentPort
  ? {
      send: (reply) => parentPort.postMessage(reply),
      onRequest: (handler) => parentPort.on("message", handler),
      // A worker ends with its host's process.
      onHostGone: () => undefined,
      close: () => parentPort.close(),
    }
  : {
      send: (reply) => process.connected && process.send(reply),
      onRequest: (handler) => process.on("message", handler),
      onHostGone: (handler) => process.once("disconnect", handler),
      close: () => process.connected && process.disconnect(),
    };
if (!parentPort) {
  // Ctrl-C reaches every process of the terminal; the host decides when members stop.
  process.on("SIGINT", () => undefined);
}
await runPlacedMember(start, channel);
