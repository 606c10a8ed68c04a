/**
 * A {@link FrameSource} whose ZeroMQ SUB socket lives in a worker thread
 * (`worker/receive.js`), so that ZeroMQ's per-message work runs on another
 * core; messages come back in batches (`off-thread-batch.ts`).
 *
 * The worker keeps the process alive only while a read waits, as a pending
 * receive on a socket of this thread would. At the thread's exit, a worker
 * still open is told to close its socket and waited for: zeromq.js aborts the
 * process when a thread ends with a receive pending (zeromq/zeromq.js#411).
 *
 * @internal
 */
import { Worker } from "node:worker_threads";
import type { ConnectInfo } from "./connect.js";
import { clientKeys } from "./curve.js";
import { forgetAtExit, releaseAtExit } from "./exit.js";
import { unpackBatch } from "./off-thread-batch.js";
import type { FrameSource } from "./source.js";

/**
 * Batches the worker may have sent and this thread not yet consumed: the
 * worker stops receiving at this many, so that ZeroMQ's queue (its
 * high-water mark, or `noDrop` backpressure) bounds the memory again.
 */
const BATCHES_IN_FLIGHT = 16;

/** Milliseconds this thread's exit waits for the worker to close its socket. */
const EXIT_WAIT_MS = 1000;

/** What the receiving worker posts. */
type Report =
  | { type: "batch"; buffer: ArrayBuffer; count: number }
  | { type: "error" | "fatal"; error: { message: string; code?: string } };

/** A message from the worker, or an error it reported in its place. */
type Item = Buffer[] | ReceiveError;

/** Items received together; one sent against a credit gives it back once read. */
interface Batch {
  readonly items: readonly Item[];
  readonly credit: boolean;
}

const EMPTY: Batch = { items: [], credit: false };

const CREDIT = { type: "credit" };

/** A receive failure the worker reported, with ZeroMQ's error code. @internal */
export class ReceiveError extends Error {
  override readonly name = "ReceiveError";

  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** @internal */
export class OffThreadSource implements FrameSource {
  /** Set to 1 by the worker once its socket is closed. */
  readonly #workerClosed = new Int32Array(new SharedArrayBuffer(4));
  #worker: Worker | undefined;
  /** Received and not yet current, in order. */
  #batches: Batch[] = [];
  /** The batch reads take from, and the index of the next item in it. */
  #batch: Batch = EMPTY;
  #index = 0;
  #waiting: ((item: Item) => void) | undefined;
  #closed = false;

  /** @param onFailure called once if the worker dies; the source is closed then */
  constructor(
    private readonly highWaterMark: number,
    private readonly onFailure: (error: Error) => void,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts the worker, connected as `info` says. */
  connect(info: ConnectInfo): void {
    if (this.#closed || this.#worker) return;
    const worker = new Worker(new URL("../worker/receive.js", import.meta.url), {
      workerData: {
        address: info.address,
        highWaterMark: this.highWaterMark,
        curve: info.curve && clientKeys(info.curve),
        credits: BATCHES_IN_FLIGHT,
        closed: this.#workerClosed,
      },
      // The worker loads only zeromq; it needs none of this thread's flags.
      execArgv: [],
    });
    this.#worker = worker;
    // A read already waiting keeps the process alive, as a pending receive does.
    if (this.#waiting === undefined) worker.unref();
    worker.on("message", (report: Report) => this.#onReport(report));
    worker.on("error", (error) => this.#fail(error));
    worker.on("exit", (code) => {
      if (!this.#closed) this.#fail(new Error(`The receiving worker exited with code ${code}.`));
    });
    releaseAtExit(this, () => this.#closeAndWait());
  }

  subscribe(topic: string): void {
    this.#worker?.postMessage({ type: "subscribe", topic });
  }

  unsubscribe(topic: string): void {
    this.#worker?.postMessage({ type: "unsubscribe", topic });
  }

  read(): Promise<Buffer[]> {
    const item = this.#take();
    // Settled at once: a batch's messages are all here.
    if (item !== undefined) return settled(item);
    if (this.#closed) return Promise.reject(closedError());
    return new Promise<Buffer[]>((resolve, reject) => {
      this.#waiting = (next) => (next instanceof ReceiveError ? reject(next) : resolve(next));
      // Waiting for a message keeps the process alive, as a pending receive does.
      this.#worker?.ref();
    });
  }

  /** Closes the worker's socket; the worker then ends. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    forgetAtExit(this);
    this.#batches = [];
    this.#batch = EMPTY;
    this.#index = 0;
    this.#wake(closedError());
    const worker = this.#worker;
    if (!worker) return;
    worker.unref();
    try {
      worker.postMessage({ type: "close" });
    } catch {
      // Already gone.
    }
  }

  /** Tells the worker to close and waits (blocking, bounded) until it has: for the thread's exit. */
  #closeAndWait(): void {
    const worker = this.#worker;
    this.close();
    if (worker) Atomics.wait(this.#workerClosed, 0, 0, EXIT_WAIT_MS);
  }

  /** The next item received, if any. */
  #take(): Item | undefined {
    if (this.#index >= this.#batch.items.length) {
      const next = this.#batches.shift();
      if (next === undefined) return undefined;
      this.#batch = next;
      this.#index = 0;
    }
    const batch = this.#batch;
    const item = batch.items[this.#index++]!;
    // The batch is used up: the worker may send one more.
    if (this.#index === batch.items.length && batch.credit) this.#worker?.postMessage(CREDIT);
    return item;
  }

  #onReport(report: Report): void {
    if (this.#closed) return;
    if (report.type === "fatal") {
      this.#fail(new ReceiveError(report.error.message, report.error.code));
      return;
    }
    this.#batches.push(
      report.type === "batch"
        ? { items: unpackBatch(report.buffer, report.count), credit: true }
        : { items: [new ReceiveError(report.error.message, report.error.code)], credit: false },
    );
    if (this.#waiting) this.#wake(this.#take()!);
  }

  #wake(item: Item): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    this.#worker?.unref();
    waiting(item);
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.close();
    this.onFailure(error);
  }
}

/** A read's outcome: a message, or the error the worker reported in its place. */
function settled(item: Item): Promise<Buffer[]> {
  return item instanceof ReceiveError ? Promise.reject(item) : Promise.resolve(item);
}

function closedError(): ReceiveError {
  return new ReceiveError("Socket is closed", "EBADF");
}
