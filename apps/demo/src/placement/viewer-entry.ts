/**
 * Entry of a viewer that runs away from the bus: in a worker thread (joining
 * the inproc forwarder through ZeroMQ's global context) or in a child process
 * (joining over ipc or tcp). It talks to the session over the thread's port or
 * the process's IPC channel, and to the bus only through a subscriber.
 */
import { Subscriber } from "@sunflare/forwarder";
import { parentPort, workerData } from "node:worker_threads";
import { Viewer } from "../plugins/viewer.js";
import type { FromViewer, RemoteViewerData, ToViewer } from "./protocol.js";

const data = (parentPort ? workerData : JSON.parse(process.argv[2] ?? "{}")) as RemoteViewerData;
const post = (message: FromViewer) =>
  parentPort ? parentPort.postMessage(message) : process.send?.(message);
const listen = (handler: (message: ToViewer) => void) =>
  parentPort ? parentPort.on("message", handler) : process.on("message", handler);

const viewer = new Viewer(
  { connectSubscriber: (topics) => new Subscriber(data.addresses, { topics }) },
  data.options,
);
listen(() => viewer.shutdown());
if (!parentPort) {
  // Ctrl-C reaches every process of the terminal; the session decides when we stop.
  process.on("SIGINT", () => undefined);
  // ... unless the session itself is gone.
  process.on("disconnect", () => viewer.shutdown());
}
try {
  viewer.connectionPhase();
  await viewer.ready();
  post({ type: "ready" });
  post({ type: "report", report: await viewer.finished });
} catch (error) {
  post({
    type: "error",
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
} finally {
  viewer.shutdown();
  // Let the parent's stop message or exit end the channel; nothing else keeps us alive.
  if (!parentPort) process.disconnect?.();
  parentPort?.close();
}
