import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import type { ViewerOptions, ViewerReport } from "../plugins/viewer.js";
import type { FromViewer, RemoteViewerData, ToViewer } from "./protocol.js";

const ENTRY = new URL("./viewer-entry.ts", import.meta.url);

/**
 * The session's handle on a {@link Viewer} running in a worker thread or in a
 * child process: a plugin that starts it in the connection phase and stops it
 * at shutdown. Both run the TypeScript sources, as the main thread does.
 */
export class RemoteViewer {
  /** Resolves with the viewer's report when the scan is over. */
  readonly finished: Promise<ViewerReport>;
  private readonly readySignal: Promise<void>;
  private readonly events = new EventTarget();
  private child: Worker | ChildProcess | undefined;
  private exited: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bus: { readonly forwarder: RemoteViewerData["addresses"] },
    private readonly placement: "worker" | "process",
    private readonly options: ViewerOptions,
  ) {
    this.readySignal = this.wait("ready").then(() => undefined);
    this.finished = this.wait("report").then(
      (message) => (message as { report: ViewerReport }).report,
    );
    this.finished.catch(() => undefined);
  }

  connectionPhase(): void {
    const { publishAddress, subscribeAddress } = this.bus.forwarder;
    const data: RemoteViewerData = {
      addresses: { publishAddress, subscribeAddress },
      options: this.options,
    };
    if (this.placement === "worker") {
      // Node 20 ignores `--import` for workers, so the worker registers tsx itself.
      const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
      const entry = JSON.stringify(ENTRY.href);
      const worker = new Worker(
        `import(${tsx}).then(({ register }) => { register(); return import(${entry}); });`,
        { eval: true, execArgv: ["--conditions=@sunflare/source"], workerData: data },
      );
      worker.on("message", (message: FromViewer) => this.dispatch(message));
      worker.on("error", (error) => this.fail(error));
      this.exited = once(worker, "exit");
      this.child = worker;
    } else {
      const child = fork(ENTRY, [JSON.stringify(data)], {
        execArgv: ["--conditions=@sunflare/source", "--import", import.meta.resolve("tsx")],
      });
      child.on("message", (message: FromViewer) => this.dispatch(message));
      child.on("error", (error) => this.fail(error));
      this.exited = once(child, "exit");
      this.child = child;
    }
    void this.exited.then(() => this.fail(new Error(`the viewer ${this.placement} exited early`)));
  }

  /** Resolves once the remote viewer is listening. */
  ready(): Promise<void> {
    return this.readySignal;
  }

  /** Asks the viewer to stop, and waits until its thread or process has exited. */
  async shutdown(): Promise<void> {
    const stop: ToViewer = { type: "stop" };
    if (this.child instanceof Worker) this.child.postMessage(stop);
    // The child may be leaving already (its channel closing): nothing to stop then.
    else if (this.child?.connected) this.child.send(stop, () => undefined);
    await this.exited;
  }

  private dispatch(message: FromViewer): void {
    if (message.type === "error")
      this.fail(new Error(`viewer ${this.placement}: ${message.message}`));
    else this.events.dispatchEvent(new MessageEvent(message.type, { data: message }));
  }

  private fail(error: Error): void {
    this.events.dispatchEvent(new MessageEvent("error", { data: error }));
  }

  /** The data of the first `type` message, or a rejection on the first failure. */
  private wait(type: FromViewer["type"]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.events.addEventListener(type, (event) => resolve((event as MessageEvent).data), {
        once: true,
      });
      this.events.addEventListener(
        "error",
        (event) => reject((event as MessageEvent).data as Error),
        { once: true },
      );
    });
  }
}
