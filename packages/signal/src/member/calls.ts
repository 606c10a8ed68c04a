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
import type { Call, CallControl, CallErrorCode, CallOptions } from "../call.js";
import { CallError, startCall } from "../call.js";
import type { MemberContext } from "./context.js";
import type { Feeds } from "./feeds.js";
import type { CallMessage } from "./protocol.js";

interface Pending {
  readonly member: string;
  readonly owner: string;
  readonly slot: string;
  readonly control: CallControl<unknown>;
}

/** @internal */
export class Calls {
  readonly #context: MemberContext;
  readonly #feeds: Feeds;
  #nextId = 1;
  /** This member's calls to owners elsewhere, by id. */
  readonly #pending = new Map<number, Pending>();
  /** The calls this member runs for others, by `<caller>/<id>`. */
  readonly #running = new Map<string, { readonly from: string; cancel(): void }>();

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
    return this.#ask(member, owner, slot, { owner, slot, args: [...args] }, options);
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
    const { control, owner, slot } = pending;
    if ("progress" in message) {
      control.progress(message.progress);
      return;
    }
    this.#pending.delete(id);
    if (message.error !== undefined) {
      const { code, message: text, remote } = message.error;
      control.reject(new CallError(code as CallErrorCode, owner, slot, text, remote));
    } else control.resolve(message.result);
  }

  /** `member` is gone: its calls here stop, and calls to it reject with `"gone"`. */
  gone(member: string): void {
    this.#rejectPending(member, "gone", `its member ${member} is gone`);
    for (const running of [...this.#running.values()])
      if (running.from === member) running.cancel();
  }

  /** The member closes: everything in flight stops; its own calls reject with `"closed"`. */
  close(): void {
    this.#rejectPending(undefined, "closed", `member ${this.#context.id}, the caller, closed`);
    for (const running of [...this.#running.values()]) running.cancel();
  }

  /** Rejects this member's calls to `member` (`undefined`: to anyone). */
  #rejectPending(member: string | undefined, code: "gone" | "closed", why: string): void {
    for (const [id, pending] of [...this.#pending]) {
      if (member !== undefined && pending.member !== member) continue;
      const { owner, slot } = pending;
      this.#pending.delete(id);
      pending.control.reject(new CallError(code, owner, slot, `${owner}.${slot}: ${why}.`));
    }
  }

  #ask(
    member: string,
    owner: string,
    slot: string,
    request: Omit<CallMessage, "from" | "id">,
    options: CallOptions,
  ): Call<unknown> {
    return startCall(owner, slot, options, (control) => {
      const id = this.#nextId++;
      try {
        this.#send(member, { id, ...request });
      } catch (error) {
        const message = `The arguments of ${owner}.${slot} cannot be encoded: ${String(error)}`;
        control.reject(new CallError("encode", owner, slot, message, undefined, { cause: error }));
        return () => undefined;
      }
      this.#pending.set(id, { member, owner, slot, control });
      // Cancelled, aborted or past its deadline: the owner stops it too.
      return () => {
        this.#pending.delete(id);
        this.#send(member, { id, cancel: true });
      };
    });
  }

  /** Runs a call of another member on an owner of this one, and answers it. */
  #run(message: CallMessage): void {
    const { from, id, owner = "" } = message;
    const slot = message.slot ?? message.property ?? "";
    const key = `${from}/${id}`;
    const refuse = (error: CallError): void => {
      this.#running.delete(key);
      const { code, message, remote } = error;
      // Without `remote` unless there is one: the wire says so by the key's absence.
      this.#send(from, { id, error: remote ? { code, message, remote } : { code, message } });
    };
    const answer = (result: unknown): void => {
      this.#running.delete(key);
      try {
        this.#send(from, { id, result });
      } catch (error) {
        refuse(
          new CallError(
            "encode",
            owner,
            slot,
            `The result of ${owner}.${slot} cannot be encoded: ${String(error)}`,
          ),
        );
      }
    };
    if (!this.#feeds.has(owner)) {
      refuse(
        new CallError(
          "unknown",
          owner,
          slot,
          `Class ${owner} is not registered by member ${this.#context.id}.`,
        ),
      );
      return;
    }
    const { registry } = this.#context;
    let call: Promise<unknown> & { cancel?: () => void };
    if (message.property !== undefined) {
      const property = registry.properties(owner)[message.property];
      call =
        property?.set(message.value) ??
        Promise.reject(
          new CallError("unknown", owner, slot, `Class ${owner} has no property ${slot}.`),
        );
    } else {
      const running = registry.call(owner, slot, message.args ?? [], { timeoutMs: Infinity });
      running.progress.connect((value) => this.#send(from, { id, progress: value }));
      call = running;
    }
    this.#running.set(key, { from, cancel: () => call.cancel?.() });
    call.then(answer, (error: unknown) =>
      refuse(
        error instanceof CallError ? error : new CallError("remote", owner, slot, String(error)),
      ),
    );
  }

  /** Sends `reply` to `member`'s inbox; throws if it cannot be encoded. */
  #send(member: string, reply: Omit<CallMessage, "from">): void {
    const body = this.#context.codec.encode({ from: this.#context.id, ...reply });
    this.#context.outbox.send(callTopic(member), body);
  }
}
