import { Worker } from "node:worker_threads";
import { unpackBatch } from "./off-thread-batch.js";

/**
 * Batches the worker may have sent and this thread not yet consumed: the
 * worker stops receiving at this many, so that ZeroMQ's queue (its
 * high-water mark, or `noDrop` backpressure) bounds the memory again.
 */
const BATCHES_IN_FLIGHT = 16;

/** Milliseconds the process's exit waits for each worker to close its socket. */
const EXIT_WAIT_MS = 1000;

/** What the receiving worker posts. */
type Report =
  | { type: "batch"; buffer: ArrayBuffer; count: number }
  | { type: "error" | "fatal"; error: { message: string; code?: string } };

/** Messages from the worker, or an error it reported in their place. */
interface Batch {
  readonly items: readonly (Buffer[] | ReceiveError)[];
  /** Sent against one of the worker's credits, to be given back once used up. */
  readonly credit: boolean;
}

const EMPTY: Batch = { items: [], credit: false };
const CREDIT = { type: "credit" };

/** Receivers whose worker has not closed yet, for the process's exit. */
const open = new Set<OffThreadReceiver>();
let exitHookInstalled = false;

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

/**
 * The receiving side of a `Subscriber` created with `offThread`: a ZeroMQ SUB
 * socket in a worker thread (`worker/receive.js`), seen from this thread
 * through the few members of a zeromq.js socket the subscriber uses.
 * `receive()` serves messages from the batches the worker sends; with a
 * `receiveTimeout` of 0 it rejects with `EAGAIN` when none is queued, as
 * ZeroMQ does.
 *
 * The worker keeps the process alive only while something waits for a
 * message, as a pending receive on a socket of this thread would. At the
 * process's exit, a worker still open is told to close its socket first:
 * zeromq.js aborts the process when a thread ends with a receive pending
 * (zeromq/zeromq.js#411).
 *
 * @internal
 */
export class OffThreadReceiver {
  /** Set by `applyCurveClient` before {@link connect}. */
  curveServerKey: string | null = null;
  curvePublicKey: string | null = null;
  curveSecretKey: string | null = null;
  /** 0: {@link receive} rejects with `EAGAIN` when nothing is queued; otherwise it waits. */
  receiveTimeout = -1;
  readonly #highWaterMark: number;
  readonly #onFailure: (error: Error) => void;
  /** Set to 1 by the worker once its socket is closed. */
  readonly #workerClosed = new Int32Array(new SharedArrayBuffer(4));
  #worker: Worker | undefined;
  /** Commands given before the worker exists. */
  #early: object[] = [];
  /** Received and not yet current, in order; a receive error is a batch of its own. */
  #batches: Batch[] = [];
  /** The batch {@link receive} takes from. */
  #batch: Batch = EMPTY;
  #index = 0;
  #waiting: { resolve(frames: Buffer[]): void; reject(error: unknown): void } | undefined;
  #closed = false;

  /**
   * @param onFailure called once if the worker dies; the receiver is closed then
   */
  constructor(options: { highWaterMark: number; onFailure: (error: Error) => void }) {
    this.#highWaterMark = options.highWaterMark;
    this.#onFailure = options.onFailure;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether a message (or a receive error) is queued here. */
  get readable(): boolean {
    return this.#index < this.#batch.items.length || this.#batches.length > 0;
  }

  /** Starts the worker, connected to `address`. */
  connect(address: string): void {
    if (this.#closed || this.#worker) return;
    const curve =
      this.curveServerKey === null
        ? undefined
        : {
            serverKey: this.curveServerKey,
            publicKey: this.curvePublicKey,
            secretKey: this.curveSecretKey,
          };
    const worker = new Worker(new URL("../worker/receive.js", import.meta.url), {
      workerData: {
        address,
        highWaterMark: this.#highWaterMark,
        curve,
        credits: BATCHES_IN_FLIGHT,
        closed: this.#workerClosed,
      },
      // The worker loads only zeromq; it needs none of this thread's flags.
      execArgv: [],
    });
    this.#worker = worker;
    worker.unref();
    worker.on("message", (report: Report) => this.#onReport(report));
    worker.on("error", (error) => this.#fail(error));
    worker.on("exit", (code) => {
      if (!this.#closed) this.#fail(new Error(`The receiving worker exited with code ${code}.`));
    });
    open.add(this);
    installExitHook();
    for (const command of this.#early) worker.postMessage(command);
    this.#early = [];
  }

  subscribe(topic: string): void {
    this.#command({ type: "subscribe", topic });
  }

  unsubscribe(topic: string): void {
    this.#command({ type: "unsubscribe", topic });
  }

  /** The next message's frames; see the class for how it waits. */
  receive(): Promise<Buffer[]> {
    if (this.#closed) return Promise.reject(new ReceiveError("Socket is closed", "EBADF"));
    if (this.#index >= this.#batch.items.length && !this.#nextBatch()) {
      if (this.receiveTimeout === 0) {
        return Promise.reject(new ReceiveError("Resource temporarily unavailable", "EAGAIN"));
      }
      if (this.#waiting) {
        return Promise.reject(new ReceiveError("Socket is busy reading", "EBUSY"));
      }
      return new Promise((resolve, reject) => {
        this.#waiting = { resolve, reject };
        // Waiting for a message keeps the process alive, as a pending receive does.
        this.#worker?.ref();
      });
    }
    const batch = this.#batch;
    const item = batch.items[this.#index++]!;
    // The batch is used up: the worker may send one more.
    if (this.#index === batch.items.length && batch.credit) this.#worker?.postMessage(CREDIT);
    return item instanceof ReceiveError ? Promise.reject(item) : Promise.resolve(item);
  }

  /** Closes the worker's socket; the worker then ends. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    open.delete(this);
    this.#batches = [];
    this.#batch = EMPTY;
    this.#index = 0;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(new ReceiveError("Socket is closed", "EBADF"));
    const worker = this.#worker;
    if (!worker) return;
    worker.unref();
    try {
      worker.postMessage({ type: "close" });
    } catch {
      // Already gone.
    }
  }

  /** Tells the worker to close and waits (blocking, bounded) until it has: for the process's exit. */
  closeAndWait(): void {
    const worker = this.#worker;
    this.close();
    if (worker) Atomics.wait(this.#workerClosed, 0, 0, EXIT_WAIT_MS);
  }

  #command(command: object): void {
    if (this.#closed) return;
    if (this.#worker) this.#worker.postMessage(command);
    else this.#early.push(command);
  }

  #onReport(report: Report): void {
    if (this.#closed) return;
    switch (report.type) {
      case "fatal":
        this.#fail(new ReceiveError(report.error.message, report.error.code));
        return;
      case "batch":
        this.#batches.push({ items: unpackBatch(report.buffer, report.count), credit: true });
        break;
      case "error":
        this.#batches.push({
          items: [new ReceiveError(report.error.message, report.error.code)],
          credit: false,
        });
        break;
    }
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    this.#worker?.unref();
    this.receive().then(waiting.resolve, waiting.reject);
  }

  #nextBatch(): boolean {
    const next = this.#batches.shift();
    if (next === undefined) return false;
    this.#batch = next;
    this.#index = 0;
    return true;
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.close();
    this.#onFailure(error);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const receiver of [...open]) receiver.closeAndWait();
  });
}
