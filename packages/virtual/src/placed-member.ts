// The host's handle on one placed member, a `Participant` of the launch:
// starts its worker thread or child process, asks it for each step of the
// launch (one request at a time, with a deadline), and ends it.
import { SunflareError, TimeoutError } from "@sunflare/wire";
import { fork, type ChildProcess } from "node:child_process";
import { Worker } from "node:worker_threads";
import type { Logger } from "@sunflare/signal";
import type { WiringEntry } from "./bus.js";
import type { ControlReply, ControlRequest, ControlResults, StartRequest } from "./control.js";
import { MemberError } from "./control.js";
import { withDeadline, type Participant } from "./phases.js";
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
  /** Deadline of each request, in milliseconds. */
  readonly timeoutMs: number;
  /** Milliseconds the member's plugins have to shut down. */
  readonly exitTimeoutMs: number;
  /** Hears of a member that had to be ended. */
  readonly logger: Logger;
}

/** Where and how a member joins the bus, known once the host's bus is ready. */
export type JoinSettings = Pick<StartRequest, "address" | "heartbeatMs" | "missedHeartbeats">;

/** A placed member's thread or process, seen from the host: a {@link Participant} of the launch. */
export class PlacedMember implements Participant {
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

  /** The placement's label, `inWorker(file:///…/viewer.js)`. */
  get label(): string {
    return this.placement.label;
  }

  /**
   * Starts the thread or process; resolves once the member joined and built
   * its plugins, and rejects with an error naming the module if it did not.
   */
  async start(join: JoinSettings): Promise<void> {
    try {
      this.id = await this.#start(join);
    } catch (error) {
      throw new Error(`${this.label} failed to start: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Runs the member's registration phases; resolves with the owners it registered. */
  register(): Promise<string[]> {
    return this.#request("registration");
  }

  /** Has the member wait for `everyOwner`, then run its connection phases. */
  async connect(everyOwner: readonly string[]): Promise<void> {
    await this.#request("connection", { owners: everyOwner });
  }

  /** The member's wiring once its connections are live (none once it ended). */
  settle(): Promise<WiringEntry[]> {
    return this.#isUp ? this.#request("settle") : Promise.resolve([]);
  }

  /** The member's wiring (none once it ended). */
  wiring(): Promise<WiringEntry[]> {
    return this.#isUp ? this.#request("wiring") : Promise.resolve([]);
  }

  /**
   * Asks the member to shut its plugins and bus down, and waits for its
   * thread or process to end. The member leaves by itself once its plugins
   * had `exitTimeoutMs`; one still running a grace period later (its thread
   * blocked) is ended, SIGKILL or `worker.terminate()`, and logged. Rejects
   * with the member's shutdown failures, once it ended.
   */
  async stop(): Promise<void> {
    // Never started (its start failed before a thread or process existed), or gone already.
    if (this.#child === undefined || this.#endedWith !== undefined) return;
    const asked = this.#request("shutdown").catch((error: unknown) => error);
    const outcome = await withDeadline(
      this.ended.then(() => "exited" as const),
      this.settings.exitTimeoutMs + KILL_GRACE_MS,
      () => "late" as const,
    );
    if (outcome === "late") {
      this.#kill();
      await this.ended;
      this.settings.logger.warn(`${this.label} did not exit after shutting down; it was ended.`);
      return;
    }
    const failure = await asked;
    if (failure instanceof MemberError) throw failure;
  }

  /** Joined, and not ended since. */
  get #isUp(): boolean {
    return this.id !== undefined && this.#endedWith === undefined;
  }

  /** Starts the thread or process; resolves with the member's id once it joined and built its plugins. */
  #start(join: JoinSettings): Promise<string> {
    const { placement, settings } = this;
    const execArgv = placement.execArgv ?? process.execArgv;
    const start: StartRequest = {
      type: "start",
      module: placement.module,
      name: placement.name,
      data: placement.data,
      ...join,
      timeoutMs: settings.timeoutMs,
      exitTimeoutMs: settings.exitTimeoutMs,
      tsx: tsxFor(placement.module, placement.kind, execArgv),
    };
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
    // Replies arrive as events: listening after a spawn that may throw loses none.
    return this.#expectReply<string>(0, "start");
  }

  /** Asks the member for one step of the launch; rejects if it fails, ends, or exceeds the deadline. */
  #request<T extends ControlRequest["type"]>(
    type: T,
    request?: Omit<Extract<ControlRequest, { type: T }>, "id" | "type">,
  ): Promise<ControlResults[T]> {
    const step = this.#queue.then(() => {
      const id = ++this.#lastId;
      const reply = this.#expectReply<ControlResults[T]>(id, type);
      this.#send({ ...request, type, id } as ControlRequest);
      return reply;
    });
    this.#queue = step.catch(() => undefined);
    return step;
  }

  /**
   * Ends the thread or process at once. A worker thread still blocked in a
   * ZeroMQ receive may take the whole process with it (a zeromq.js defect):
   * the member's own deadline in {@link stop} exists so that this is rare.
   */
  #kill(): void {
    if (this.#endedWith !== undefined) return;
    if (this.#child instanceof Worker) void this.#child.terminate();
    else this.#child?.kill("SIGKILL");
  }

  #send(request: ControlRequest): void {
    if (this.#endedWith !== undefined) return;
    if (this.#child instanceof Worker) this.#child.postMessage(request);
    else if (this.#child?.connected) this.#child.send(request);
  }

  #expectReply<T>(id: number, type: string): Promise<T> {
    const { placement, settings } = this;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#awaiting = undefined;
        reject(
          new TimeoutError(
            `${placement.label} did not answer "${type}" within ${settings.timeoutMs} ms.`,
          ),
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
            reject(
              new SunflareError(
                "gone",
                `${placement.label} ended (${describe(ended)}) during "${type}".`,
              ),
            ),
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
