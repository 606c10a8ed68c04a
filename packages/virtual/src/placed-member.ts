// The host's handle on one placed member: starts its worker thread or child
// process, asks it for each step of the launch (one request at a time, with a
// deadline), and ends it.
import { fork, type ChildProcess } from "node:child_process";
import { Worker } from "node:worker_threads";
import type { BusAddress } from "./bus.js";
import type { ControlReply, ControlRequest, ControlResults, StartRequest } from "./control.js";
import { MemberError } from "./control.js";
import { withDeadline } from "./phases.js";
import type { Placement } from "./placement.js";
import { tsxFor } from "./typescript.js";

const ENTRY = new URL("../member/entry.js", import.meta.url);
/** Milliseconds past its own deadline before a member is ended. */
const KILL_GRACE_MS = 2000;

/** How a member's thread or process ended. */
export interface Ended {
  /** Exit code (`null` when a signal ended a child process). */
  readonly code: number | null;
  /** The signal that ended a child process, if one did. */
  readonly signal: NodeJS.Signals | null;
}

/** What {@link PlacedMember} needs from the launch. */
export interface PlacedMemberSettings {
  readonly address: BusAddress;
  readonly heartbeatMs: number | undefined;
  readonly missedHeartbeats: number | undefined;
  /** Deadline of each request, in milliseconds. */
  readonly timeoutMs: number;
  /** Milliseconds the member's plugins have to shut down. */
  readonly exitTimeoutMs: number;
}

/** A placed member's thread or process, seen from the host. */
export class PlacedMember {
  /** Resolves when the thread or process has ended, however. */
  readonly ended: Promise<Ended>;
  /** The member's id on the bus, once started. */
  id: string | undefined;
  #child: Worker | ChildProcess | undefined;
  /** Requests go one after the other; each waits for the reply with its id. */
  #queue: Promise<unknown> = Promise.resolve();
  #lastId = 0;
  #awaiting:
    { id: number; reply(reply: ControlReply): void; ended(ended: Ended): void } | undefined;
  #endedWith: Ended | undefined;
  #onEnded!: (ended: Ended) => void;

  constructor(
    readonly placement: Placement,
    private readonly settings: PlacedMemberSettings,
  ) {
    this.ended = new Promise((resolve) => (this.#onEnded = resolve));
  }

  /** Whether its thread or process has ended. */
  get hasEnded(): boolean {
    return this.#endedWith !== undefined;
  }

  /** Starts the thread or process; resolves once the member joined and built its plugins. */
  async start(): Promise<void> {
    const { placement, settings } = this;
    const execArgv = placement.execArgv ?? process.execArgv;
    const start: StartRequest = {
      type: "start",
      module: placement.module,
      name: placement.name,
      data: placement.data,
      address: settings.address,
      heartbeatMs: settings.heartbeatMs,
      missedHeartbeats: settings.missedHeartbeats,
      timeoutMs: settings.timeoutMs,
      exitTimeoutMs: settings.exitTimeoutMs,
      tsx: tsxFor(placement.module, placement.kind, execArgv),
    };
    const started = this.#expectReply<string>(0, "start");
    if (placement.kind === "worker") {
      const worker = new Worker(ENTRY, { workerData: start, execArgv: [...execArgv] });
      worker.on("message", (reply: ControlReply) => this.#onReply(reply));
      // An uncaught error ends the worker: its exit follows and is what counts.
      worker.on("error", () => undefined);
      worker.once("exit", (code) => this.#end({ code, signal: null }));
      this.#child = worker;
    } else {
      const child = fork(ENTRY, [], {
        execArgv: [...execArgv],
        serialization: "advanced",
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      child.on("message", (reply: ControlReply) => this.#onReply(reply));
      child.on("error", () => undefined);
      child.once("exit", (code, signal) => this.#end({ code, signal }));
      child.send(start);
      this.#child = child;
    }
    this.id = await started;
  }

  /** Asks the member for one step of the launch; rejects if it fails, ends, or exceeds the deadline. */
  request<T extends ControlRequest["type"]>(
    type: T,
    request?: Omit<Extract<ControlRequest, { type: T }>, "id">,
  ): Promise<ControlResults[T]> {
    const step = this.#queue.then(() => {
      const id = ++this.#lastId;
      const reply = this.#expectReply<ControlResults[T]>(id, type);
      this.#send({ ...(request ?? { type }), id } as ControlRequest);
      return reply;
    });
    this.#queue = step.catch(() => undefined);
    return step;
  }

  /**
   * Asks the member to shut its plugins and bus down, and waits for its
   * thread or process to end. The member leaves by itself once its plugins
   * had `exitTimeoutMs`; one still running a grace period later (its thread
   * blocked) is ended: SIGKILL, or `worker.terminate()`. Rejects with the
   * member's shutdown failures, once it ended.
   */
  async stop(): Promise<"exited" | "ended"> {
    // Never started (its start failed before a thread or process existed), or gone already.
    if (this.#child === undefined || this.hasEnded) return "exited";
    const asked = this.request("shutdown").catch((error: unknown) => error);
    const outcome = await withDeadline(
      this.ended.then(() => "exited" as const),
      this.settings.exitTimeoutMs + KILL_GRACE_MS,
      () => "late" as const,
    );
    if (outcome === "late") {
      this.kill();
      await this.ended;
      return "ended";
    }
    const failure = await asked;
    if (failure instanceof MemberError) throw failure;
    return "exited";
  }

  /**
   * Ends the thread or process at once. A worker thread still blocked in a
   * ZeroMQ receive may take the whole process with it (a zeromq.js defect):
   * the member's own deadline in {@link stop} exists so that this is rare.
   */
  kill(): void {
    if (this.hasEnded) return;
    if (this.#child instanceof Worker) void this.#child.terminate();
    else this.#child?.kill("SIGKILL");
  }

  #send(request: ControlRequest): void {
    if (this.hasEnded) return;
    if (this.#child instanceof Worker) this.#child.postMessage(request);
    else if (this.#child?.connected) this.#child.send(request);
  }

  #expectReply<T>(id: number, type: string): Promise<T> {
    const { placement, settings } = this;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#awaiting = undefined;
        reject(
          new Error(`${placement.label} did not answer "${type}" within ${settings.timeoutMs} ms.`),
        );
      }, settings.timeoutMs);
      const settle = (outcome: () => void): void => {
        clearTimeout(timer);
        this.#awaiting = undefined;
        outcome();
      };
      this.#awaiting = {
        id,
        reply: (reply) =>
          settle(() =>
            reply.ok ? resolve(reply.value as T) : reject(new MemberError(reply.error)),
          ),
        ended: (ended) =>
          settle(() =>
            reject(new Error(`${placement.label} ended (${describe(ended)}) during "${type}".`)),
          ),
      };
      if (this.#endedWith !== undefined) this.#awaiting.ended(this.#endedWith);
    });
  }

  /** A reply to a request given up on (its deadline passed) is not the next one's. */
  #onReply(reply: ControlReply): void {
    if (reply.id === this.#awaiting?.id) this.#awaiting.reply(reply);
  }

  #end(ended: Ended): void {
    this.#endedWith = ended;
    this.#awaiting?.ended(ended);
    this.#onEnded(ended);
  }
}

/** `code 1`, or `SIGKILL`. */
export function describe(ended: Ended): string {
  return ended.signal ?? `code ${ended.code}`;
}
