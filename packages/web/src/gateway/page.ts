/**
 * One page's relay: frames from its WebSocket go to the bus's forwarder as
 * they are (topic and MessagePack body, nothing decoded), and the messages
 * of its subscriptions come back through its {@link Outbox}.
 *
 * @internal
 */
import { decode, encode } from "@sunflare/codec";
import type { Logger } from "@sunflare/wire";
import {
  CALL_PREFIX,
  DEFAULT_HEARTBEAT_MS,
  HELLO_TOPIC,
  isReserved,
  parseEmissionTopic,
  REGISTRY_TOPIC,
  SIGNAL_PREFIX,
  VALUES_TOPIC,
} from "@sunflare/wire";
import type { Message, Publisher, Subscriber } from "@sunflare/forwarder";
import type { WebSocket } from "ws";
import { CloseCode } from "../wire/close-codes.js";
import type { CloseCodeValue } from "../wire/close-codes.js";
import { decodeFrame, encodeFrame, Op, readU32, u32 } from "../wire/frame.js";
import type { Frame } from "../wire/frame.js";
import { pageMayUse } from "../wire/topics.js";
import type { GatewayBus } from "./bus.js";
import { Outbox } from "./outbox.js";
import type { OutboxOptions } from "./outbox.js";

/** How often the gateway vouches for a silent page: the bus's default heartbeat. */
const HEARTBEAT_MS = DEFAULT_HEARTBEAT_MS;
/** Publishes awaited at once beyond which the page's socket stops being read. */
const MAX_PENDING_SENDS = 256;
const EMPTY = new Uint8Array(0);

/** Tuning of a page's relay. */
export interface PageOptions extends Pick<OutboxOptions, "window" | "maxBacklog"> {
  logger: Logger;
  /** A name for the page in reports. */
  label: string;
}

/** @internal */
export class PageRelay {
  readonly #outbox: Outbox;
  #subscriber: Subscriber | undefined;
  /** The member id of the page's first hello: the only one it may speak as. */
  #speaksAs: string | undefined;
  /** The member id the page said hello with, until it says it is leaving. */
  #member: string | undefined;
  /** The page member's latest registry message, and when the page last sent one. */
  #registry: { body: Uint8Array; at: number } | undefined;
  #vouching: ReturnType<typeof setInterval> | undefined;
  #pendingSends = 0;
  #closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly bus: GatewayBus,
    private readonly publisher: Publisher,
    private readonly options: PageOptions,
  ) {
    this.#outbox = new Outbox({
      ...options,
      write: (topic, body) => this.#write(encodeFrame(Op.message, topic, body)),
      onOverflow: () =>
        this.close(CloseCode.backlog, "the page did not keep up with the bus's signal messages"),
    });
    socket.on("message", (data, isBinary) => this.#receive(data as Buffer, isBinary));
    socket.on("close", () => this.#release());
    socket.on("error", (error) => options.logger.debug?.(`${options.label}: ${String(error)}`));
  }

  /** Closes the page's connection with `code` and `reason`, and releases its sockets on the bus. */
  close(code: CloseCodeValue, reason: string): void {
    if (this.#closed) return;
    if (code !== CloseCode.goingAway)
      this.options.logger.warn(`${this.options.label} closed: ${reason}`);
    this.socket.close(code, closeReason(reason));
    this.#release();
  }

  #release(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#vouching);
    this.#subscriber?.close();
    if (this.#member !== undefined) {
      // A closed tab says nothing: leave on its behalf, so the bus need not wait for three silent heartbeats.
      const leaving = { member: this.#member, owners: {}, leaving: true };
      this.publisher.sendFrames([REGISTRY_TOPIC, encode(leaving)]).catch(() => undefined);
    }
  }

  /**
   * Follows the page's member (its id from its hello, and whether it left),
   * and holds it to that id: a page speaks for itself only, so it cannot
   * say hello, announce a registry or leave in another member's name (the
   * host's, say, which would make every member close). Returns whether the
   * message may go to the bus; closes the page otherwise.
   */
  #checkMember(topic: string, body: Uint8Array): boolean {
    if (topic.startsWith(SIGNAL_PREFIX)) {
      // A version-2 emission names its sender: the page may emit as itself only.
      const sender = parseEmissionTopic(topic)?.sender;
      if (sender === undefined || sender === this.#speaksAs) return true;
      this.close(
        CloseCode.reserved,
        `a page emits as the member of its hello only (got ${JSON.stringify(topic)})`,
      );
      return false;
    }
    const values = topic === VALUES_TOPIC;
    const call = topic.startsWith(CALL_PREFIX);
    if (topic !== HELLO_TOPIC && topic !== REGISTRY_TOPIC && !values && !call) return true;
    let message: { member?: unknown; leaving?: unknown; from?: unknown };
    try {
      message = decode<{ member?: unknown; leaving?: unknown; from?: unknown }>(body);
    } catch {
      message = {};
    }
    // Values name their member, calls and answers their sender: the page's own, always.
    if (values || call) {
      const who = values ? message.member : message.from;
      if (this.#speaksAs !== undefined && who === this.#speaksAs) return true;
      this.close(
        CloseCode.reserved,
        `a page speaks as the member of its hello only (got ${JSON.stringify(topic)} for ${JSON.stringify(who)})`,
      );
      return false;
    }
    const member = message.member;
    const speaksAs = this.#speaksAs ?? (topic === HELLO_TOPIC ? member : undefined);
    if (typeof member !== "string" || member !== speaksAs) {
      this.close(
        CloseCode.reserved,
        `a page speaks as the member of its hello only (got ${JSON.stringify(topic)} for ${JSON.stringify(member)})`,
      );
      return false;
    }
    this.#speaksAs = member;
    if (topic === HELLO_TOPIC) {
      this.#member = member;
      this.#vouching ??= setInterval(this.#vouch, HEARTBEAT_MS).unref();
    } else if (message.leaving === true) {
      this.#member = this.#registry = undefined;
    } else {
      this.#registry = { body, at: Date.now() };
    }
    return true;
  }

  /**
   * Heartbeats for the page while its socket is open: a browser slows the
   * timers of a hidden tab (to one a minute after a while) and a busy page
   * skips beats, yet its connection says it is alive. Repeats the page's own
   * latest registry message when the page has been silent for a beat; its
   * closing is announced at once (see {@link #release}).
   */
  readonly #vouch = (): void => {
    const registry = this.#registry;
    if (this.#closed || registry === undefined || Date.now() - registry.at < HEARTBEAT_MS) return;
    this.publisher.sendFrames([REGISTRY_TOPIC, registry.body]).catch(() => undefined);
  };

  #write(frame: Uint8Array): number {
    this.socket.send(frame);
    return frame.byteLength;
  }

  #receive(data: Buffer, isBinary: boolean): void {
    if (!isBinary)
      return this.close(CloseCode.malformed, "text frames are not part of the protocol");
    try {
      const frame = decodeFrame(data);
      switch (frame.op) {
        case Op.publish:
          return this.#publish(frame);
        case Op.subscribe:
          return this.#subscribe(frame.topic, readU32(frame.payload));
        case Op.unsubscribe:
          if (this.#allowed(frame.topic)) this.#subscriber?.unsubscribe(frame.topic);
          return;
        case Op.ack:
          return this.#outbox.ack(readU32(frame.payload));
        default:
          return this.close(CloseCode.malformed, `unknown operation ${frame.op}`);
      }
    } catch (error) {
      this.close(CloseCode.malformed, `malformed frame: ${(error as Error).message}`);
    }
  }

  #allowed(topic: string): boolean {
    if (pageMayUse(topic)) return true;
    this.close(CloseCode.reserved, `topic ${JSON.stringify(topic)} is reserved for the bus`);
    return false;
  }

  #publish(frame: Frame): void {
    if (!this.#allowed(frame.topic) || !this.#checkMember(frame.topic, frame.payload)) return;
    // The topic and body are views of the received frame: nothing is copied or re-encoded.
    const sending = this.publisher.sendFrames([frame.topicBytes, frame.payload]);
    if (++this.#pendingSends >= MAX_PENDING_SENDS && !this.socket.isPaused) {
      // The bus takes the page's messages slower than it sends them: stop reading until it catches up.
      this.socket.pause();
    }
    sending.then(
      () => {
        if (--this.#pendingSends < MAX_PENDING_SENDS / 2 && this.socket.isPaused)
          this.socket.resume();
      },
      (error: unknown) => this.close(CloseCode.busError, `publishing failed: ${String(error)}`),
    );
  }

  #subscribe(topic: string, id: number): void {
    if (!this.#allowed(topic)) return;
    if (this.#subscriber) this.#subscriber.subscribe(topic);
    else {
      this.#subscriber = this.bus.connectSubscriber(topic, {
        // Taking a message is cheap (the outbox conflates), so the page never makes the bus drop one.
        noDrop: true,
        consume: this.#consume,
      });
    }
    this.#subscriber.ready().then(
      () => {
        if (!this.#closed) this.#write(encodeFrame(Op.ready, "", u32(id)));
      },
      (error: unknown) => this.close(CloseCode.busError, `subscribing failed: ${String(error)}`),
    );
  }

  readonly #consume = (message: Message): void => {
    const [topicBytes = EMPTY, body = EMPTY] = message.frames;
    if (!this.#closed)
      this.#outbox.push(message.topic, topicBytes, body, isReserved(message.topic));
  };
}

/** `reason` cut to what a WebSocket close frame carries (123 bytes of UTF-8); the log has it whole. */
function closeReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= 123) return reason;
  // Decoding a cut in the middle of a character drops that character.
  return new TextDecoder().decode(bytes.subarray(0, 120)).replace(/\uFFFD$/, "") + "…";
}
