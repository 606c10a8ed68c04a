/**
 * Calls between members: the only writer of this member's calls in flight
 * (to owners elsewhere) and of the calls it runs for others. Every message
 * goes to the inbox of the member it is for (`"\0sunflare/call/<id>"`), so
 * nobody else receives it; a call travels on the same link as the caller's
 * emissions, so the owner sees both in the order they were made.
 *
 * @internal
 */
import { callTopic } from "@sunflare/wire";
import type {
  Call,
  CallControl,
  CallErrorCode,
  CallOptions,
  CallState,
  CallStopper,
} from "../call.js";
import { CallError, follow, openCall, thrownBy } from "../call.js";
import type { MemberContext } from "./context.js";
import type { Feeds } from "./feeds.js";
import type { CallMessage } from "./protocol.js";

/** A call of this member to an owner elsewhere; stopping it tells the owner. */
class Pending implements CallStopper {
  constructor(
    readonly calls: Calls,
    readonly member: string,
    readonly id: number,
    readonly state: CallState<unknown>,
  ) {}

  stop(): void {
    this.calls.forget(this);
  }
}

/** A call this member runs for another: its answer goes back to the caller's inbox. */
class Served implements CallControl<unknown> {
  settled = false;
  /** Whether it did not answer at once, and waits in the member's running calls. */
  kept = false;
  stopper: CallStopper | undefined;

  constructor(
    readonly calls: Calls,
    readonly from: string,
    readonly id: number,
    readonly owner: string,
    readonly slot: string,
  ) {}

  progress(value: unknown): void {
    if (!this.settled) this.calls.reply(this.from, { id: this.id, progress: value });
  }

  resolve(result: unknown): void {
    if (!this.#settle()) return;
    try {
      this.calls.reply(this.from, { id: this.id, result });
    } catch (error) {
      const { owner, slot } = this;
      const text = `The result of ${owner}.${slot} cannot be encoded: ${String(error)}`;
      this.#refuse(new CallError("encode", owner, slot, text));
    }
  }

  reject(error: CallError): void {
    if (this.#settle()) this.#refuse(error);
  }

  /** The caller cancelled, or left: the work stops, and nobody is answered. */
  cancel(): void {
    if (this.#settle()) this.stopper?.stop(new CallError("aborted", this.owner, this.slot, ""));
  }

  #settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.kept) this.calls.finished(this);
    return true;
  }

  #refuse({ code, message, remote }: CallError): void {
    // Without `remote` unless there is one: the wire says so by the key's absence.
    const error = remote ? { code, message, remote } : { code, message };
    this.calls.reply(this.from, { id: this.id, error });
  }
}

/** @internal */
export class Calls {
  readonly #context: MemberContext;
  readonly #feeds: Feeds;
  #nextId = 1;
  /** This member's calls to owners elsewhere, by id. */
  readonly #pending = new Map<number, Pending>();
  /** The calls this member runs for others and that have not answered yet, by `<caller>/<id>`. */
  readonly #running = new Map<string, Served>();
  /** Each member's inbox topic, made once. */
  readonly #inboxes = new Map<string, string>();

  constructor(context: MemberContext, feeds: Feeds) {
    this.#context = context;
    this.#feeds = feeds;
  }

  /** Calls `owner.slot` of `member`. */
  call(
    member: string,
    owner: string,
    slot: string,
    args: readonly unknown[],
    options: CallOptions,
  ): Call<unknown> {
    return this.#ask(member, owner, slot, { owner, slot, args: args as unknown[] }, options);
  }

  /** Asks `member` to set `owner.property` to `value`; resolves with what it accepted. */
  set(member: string, owner: string, property: string, value: unknown): Promise<unknown> {
    return this.#ask(member, owner, property, { owner, property, value }, {});
  }

  /** A message arrived in this member's inbox. */
  receive(message: CallMessage): void {
    const { from, id } = message;
    if (message.cancel === true) {
      this.#running.get(`${from}/${id}`)?.cancel();
      return;
    }
    if (message.owner !== undefined) {
      this.#run(message);
      return;
    }
    const pending = this.#pending.get(id);
    if (pending?.member !== from) return;
    const { state } = pending;
    if ("progress" in message) {
      state.progress(message.progress);
      return;
    }
    this.#pending.delete(id);
    if (message.error !== undefined) {
      const { code, message: text, remote } = message.error;
      state.reject(new CallError(code as CallErrorCode, state.owner, state.slot, text, remote));
    } else state.resolve(message.result);
  }

  /** `member` is gone: its calls here stop, and calls to it reject with `"gone"`. */
  gone(member: string): void {
    this.#rejectPending(member, "gone", `its member ${member} is gone`);
    for (const served of [...this.#running.values()]) if (served.from === member) served.cancel();
  }

  /** The member closes: everything in flight stops; its own calls reject with `"closed"`. */
  close(): void {
    this.#rejectPending(undefined, "closed", `member ${this.#context.id}, the caller, closed`);
    for (const served of [...this.#running.values()]) served.cancel();
  }

  /** A call of this member was cancelled, aborted or timed out: the owner stops it too. */
  forget(pending: Pending): void {
    this.#pending.delete(pending.id);
    this.reply(pending.member, { id: pending.id, cancel: true });
  }

  /** A call run here answered or stopped. */
  finished(served: Served): void {
    this.#running.delete(`${served.from}/${served.id}`);
  }

  /** Sends `reply` to `member`'s inbox; throws if it cannot be encoded. */
  reply(member: string, reply: Omit<CallMessage, "from">): void {
    this.#send(member, { from: this.#context.id, ...reply });
  }

  /** Rejects this member's calls to `member` (`undefined`: to anyone). */
  #rejectPending(member: string | undefined, code: "gone" | "closed", why: string): void {
    for (const [id, pending] of [...this.#pending]) {
      if (member !== undefined && pending.member !== member) continue;
      const { owner, slot } = pending.state;
      this.#pending.delete(id);
      pending.state.reject(new CallError(code, owner, slot, `${owner}.${slot}: ${why}.`));
    }
  }

  #ask(
    member: string,
    owner: string,
    slot: string,
    request: Omit<CallMessage, "from" | "id">,
    options: CallOptions,
  ): Call<unknown> {
    const state = openCall<unknown>(owner, slot, options);
    if (state.settled) return state.call;
    const id = this.#nextId++;
    try {
      this.#send(member, { from: this.#context.id, id, ...request });
    } catch (error) {
      const message = `The arguments of ${owner}.${slot} cannot be encoded: ${String(error)}`;
      state.reject(new CallError("encode", owner, slot, message, undefined, { cause: error }));
      return state.call;
    }
    const pending = new Pending(this, member, id, state);
    this.#pending.set(id, pending);
    state.stopper = pending;
    return state.call;
  }

  /** Runs a call of another member on an owner of this one, and answers it. */
  #run(message: CallMessage): void {
    const { from, id, owner = "" } = message;
    const slot = message.slot ?? message.property ?? "";
    const served = new Served(this, from, id, owner, slot);
    if (!this.#feeds.has(owner)) {
      const text = `Class ${owner} is not registered by member ${this.#context.id}.`;
      served.reject(new CallError("unknown", owner, slot, text));
      return;
    }
    const { registry } = this.#context;
    let result: unknown;
    try {
      result =
        message.property === undefined
          ? registry.invoke(owner, slot, message.args ?? [])
          : registry.setProperty(owner, message.property, message.value);
    } catch (error) {
      served.reject(thrownBy(owner, slot, error));
      return;
    }
    // Most slots answer at once: only those that do not are kept, to be cancelled.
    served.stopper = follow(owner, slot, result, served);
    if (served.settled) return;
    served.kept = true;
    this.#running.set(`${from}/${id}`, served);
  }

  #send(member: string, message: CallMessage): void {
    const body = this.#context.codec.encode(message);
    let inbox = this.#inboxes.get(member);
    if (inbox === undefined) this.#inboxes.set(member, (inbox = callTopic(member)));
    this.#context.outbox.send(inbox, body);
  }
}
