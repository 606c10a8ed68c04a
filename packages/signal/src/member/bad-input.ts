/**
 * Reports bad input once per sender and kind: the first at once, the rest as
 * one count every {@link BAD_INPUT_SUMMARY_MS} (and at close), so a flood of
 * malformed messages costs one warning, not one per message.
 *
 * @internal
 */
import type { Logger } from "@sunflare/wire";
import { BAD_INPUT_SUMMARY_MS, parseEmissionTopic, SIGNAL_PREFIX } from "@sunflare/wire";
import { unref } from "./peers.js";

/** Senders × kinds tracked at most; past that, new ones are summed under "others". */
const MAX_TRACKED = 1024;

/** @internal */
export class BadInput {
  /** Messages not yet reported, by `kind\0sender`. */
  readonly #unreported = new Map<string, number>();
  /** Keys warned about in this window. */
  readonly #seen = new Set<string>();
  readonly #logger: Logger;
  readonly #member: string;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(logger: Logger, member: string) {
    this.#logger = logger;
    this.#member = member;
  }

  /** One bad message of `kind` (e.g. "malformed registry") from `sender` (`undefined`: unknown). */
  report(kind: string, sender: string | undefined, error?: unknown): void {
    let who = sender === undefined ? "an unknown sender" : JSON.stringify(sender.slice(0, 64));
    if (this.#seen.size >= MAX_TRACKED && !this.#seen.has(`${kind}\0${who}`)) who = "others";
    const key = `${kind}\0${who}`;
    if (!this.#seen.has(key)) {
      this.#seen.add(key);
      const message = `Member ${this.#member} ignored a ${kind} message from ${who}.`;
      if (error === undefined) this.#logger.warn(message);
      else this.#logger.warn(message, error);
    } else {
      this.#unreported.set(key, (this.#unreported.get(key) ?? 0) + 1);
    }
    this.#timer ??= unref(setTimeout(this.#summarize, BAD_INPUT_SUMMARY_MS));
  }

  /** Reports what is pending and stops. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flush();
  }

  readonly #summarize = (): void => {
    this.#timer = undefined;
    // A quiet window forgets the senders: the next bad message is warned at once again.
    if (this.#unreported.size === 0) this.#seen.clear();
    else {
      this.#flush();
      this.#timer = unref(setTimeout(this.#summarize, BAD_INPUT_SUMMARY_MS));
    }
  };

  #flush(): void {
    for (const [key, count] of this.#unreported) {
      const [kind, who] = key.split("\0");
      this.#logger.warn(
        `Member ${this.#member} ignored ${count} more ${kind} messages from ${who}.`,
      );
    }
    this.#unreported.clear();
  }
}

/** What a message on `topic` is, for reports. @internal */
export function kindOf(topic: string, inbox: string): string {
  if (topic.startsWith(SIGNAL_PREFIX)) return "malformed emission";
  if (topic === inbox) return "malformed call";
  return `malformed ${topic.replace(/^\0sunflare\//, "").replace(/\0/g, "")}`;
}

/** The member id a bad message claims to come from, if it says one. @internal */
export function senderOf(
  topic: string,
  body: Uint8Array,
  decode: (body: Uint8Array) => unknown,
): string | undefined {
  if (topic.startsWith(SIGNAL_PREFIX)) return parseEmissionTopic(topic)?.sender;
  try {
    const value = decode(body) as { member?: unknown; from?: unknown } | null;
    const who =
      typeof value === "object" && value !== null ? (value.member ?? value.from) : undefined;
    return typeof who === "string" ? who : undefined;
  } catch {
    return undefined;
  }
}
