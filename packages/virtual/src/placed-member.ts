// The host's handle on one placed member, a `Participant` of the launch:
// starts its worker thread or child process, asks it for each step of the
// launch (one request at a time, with a deadline), and ends it.
import { SunflareError, TimeoutError } from "@sunflare/wire";
import { ChildProcess, fork } from "node:child_process";
import type { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import type { WiringEntry } from "./bus.js";
import type { LaunchOptions } from "./launch.js";
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

/** What {@link PlacedMember} needs from the launch: its options, defaults applied. */
export type PlacedMemberSettings = Readonly<Required<LaunchOptions>>;

/** Where and how a member joins the bus, known once the host's bus is ready. */
export type JoinSettings = Pick<StartRequest, "address" | "heartbeatMs" | "missedHeartbeats">;

/** A placed member's thread or process, seen from the host: a {@link Participant} of the launch. */
export class PlacedMember implements Participant {
  #onEnded!: (ended: Ended) => void;
  /** Resolves when the thread or process has ended, however. */
  readonly ended = new Promise<Ended>((resolve) => (this.#onEnded = resolve));
  /** The member's id on the bus, once started. */
  id: string | undefined;
  #child: Worker | ChildProcess | undefined;
  /** Requests go one after the other; each waits for the reply with its id. */
  #queue: Promise<unknown> = Promise.resolve();
  #lastId = 0;
  #awaiting: { id: number; reply(reply: ControlReply): void } | undefined;
  #endedWith: Ended | undefined;

  constructor(
    readonly placement: Placement,
    private readonly settings: PlacedMemberSettings,
  ) {}

  /** The placement's label, `inWorker(file:///…/viewer.js)`. */
  get label(): string {
    return this.placement.label;
  }

  /**
   * Starts the thread or process; resolves once the member joined and built
   * its plugins, and rejects with an error naming the module if it did not.
   */
  async start(join: JoinSettings): Promise<void> {
    this.id = await this.#start(join).catch((error: unknown) => {
      throw new Error(`${this.label} failed to start: ${(error as Error).message}`, {
        cause: error,
      });
    });
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
      // A worker thread still blocked in a ZeroMQ receive may take the whole process with it (a
      // zeromq.js defect): the member's own deadline, which ran out first, exists so that this is rare.
      if (this.#child instanceof Worker) void this.#child.terminate();
      else this.#child.kill("SIGKILL");
      await this.ended;
      this.settings.logger.warn(`${this.label} did not exit after shutting down; it was ended.`);
      return;
    }
    const failure = await asked;
    if (failure instanceof MemberError) throw failure;
  }

  get #isUp(): boolean {
    return this.id !== undefined && this.#endedWith === undefined;
  }

  async #start(join: JoinSettings): Promise<string> {
    const { placement, settings } = this;
    const execArgv = [...(placement.execArgv ?? process.execArgv)];
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
    this.#child =
      placement.kind === "worker"
        ? new Worker(ENTRY, { workerData: start, execArgv })
        : fork(ENTRY, [], {
            execArgv,
            serialization: "advanced",
            stdio: ["ignore", "inherit", "inherit", "ipc"],
          });
    const child: EventEmitter = this.#child;
    child.on("message", (reply: ControlReply) => {
      // A reply to a request given up on (its deadline passed) is not the next one's.
      if (reply.id === this.#awaiting?.id) this.#awaiting.reply(reply);
    });
    // An uncaught error ends a worker, a failed spawn a child: the exit follows and is what counts.
    child.on("error", () => undefined);
    // A worker's exit has no signal.
    child.once("exit", (code: number | null, signal: NodeJS.Signals | null = null) => {
      this.#endedWith = { code, signal };
      this.#onEnded(this.#endedWith);
    });
    if (this.#child instanceof ChildProcess) this.#child.send(start);
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
      const message = { ...request, type, id } as ControlRequest;
      if (this.#endedWith !== undefined) return reply;
      if (this.#child instanceof Worker) this.#child.postMessage(message);
      else if (this.#child?.connected) this.#child.send(message);
      return reply;
    });
    this.#queue = step.catch(() => undefined);
    return step;
  }

  #expectReply<T>(id: number, type: string): Promise<T> {
    const { label, settings } = this;
    const answered = new Promise<T>((resolve, reject) => {
      const reply = (answer: ControlReply): void =>
        answer.ok ? resolve(answer.value as T) : reject(new MemberError(answer.error));
      this.#awaiting = { id, reply };
    });
    const gone = this.ended.then((ended) => {
      throw new SunflareError("gone", `${label} ended (${describe(ended)}) during "${type}".`);
    });
    return withDeadline(Promise.race([answered, gone]), settings.timeoutMs, () => {
      throw new TimeoutError(`${label} did not answer "${type}" within ${settings.timeoutMs} ms.`);
    }).finally(() => (this.#awaiting = undefined));
  }
}

/** `code 1`, or `SIGKILL`. */
export function describe(ended: Ended): string {
  return ended.signal ?? `code ${ended.code}`;
}
