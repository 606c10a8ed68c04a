/**
 * A page's one WebSocket to the gateway: framing, acknowledgements,
 * subscriptions shared by everything on the page, and the routing of each
 * arriving message to the subscribers and the member that want it.
 * Browser-safe: the standard `WebSocket` only.
 *
 * @internal
 */
import { decodeFrame, encodeFrame, Op, readJson, readU32, u32 } from "../wire/frame.js";
import type { Frame, Welcome } from "../wire/frame.js";
import { isReserved } from "@sunflare/wire";
import { attempt, WebClosedError } from "./errors.js";

/**
 * A message arrived for the page. The gateway learns that the page took it
 * (and may send more) once every route it went to has called {@link taken}.
 */
export interface Delivery {
  readonly topic: string;
  readonly topicBytes: Uint8Array;
  readonly body: Uint8Array;
  /** Tells the connection one route has handed the message to its code. */
  taken(): void;
}

/** Something on the page that receives messages: a subscriber, the member's link. */
export interface Route {
  /** Whether a message on `topic` is for this route. */
  wants(topic: string): boolean;
  /** Takes a message; calls `delivery.taken()` once it reached the page's code. */
  accept(delivery: Delivery): void;
  /** The connection closed. */
  onClosed(error: WebClosedError): void;
}

/** Whether a subscription to one of `prefixes` selects `topic`, as the forwarder matches them. */
export function selectsAny(prefixes: Iterable<string>, topic: string): boolean {
  for (const prefix of prefixes) {
    // "" (everything) selects data topics only: the bus's own need an explicit prefix.
    if (topic.startsWith(prefix) && (prefix !== "" || !isReserved(topic))) return true;
  }
  return false;
}

/** Why a connection closed before the welcome: a browser tells a page no more (code 1006). */
const REFUSED = "refused or unreachable: check the URL, its token and the page's origin";

/** @internal */
export class WebConnection {
  readonly #routes = new Set<Route>();
  readonly #subscriptions = new Map<string, { count: number; ready: Promise<void> }>();
  readonly #pendingReady = new Map<number, { done(): void; fail(error: Error): void }>();
  #nextId = 1;
  #error: WebClosedError | undefined;
  /** What the gateway said when it accepted the page. */
  welcome: Welcome | undefined;

  private constructor(private readonly socket: WebSocket) {}

  /** Opens the WebSocket to `url` and resolves once the gateway welcomed the page. */
  static open(url: string): Promise<WebConnection> {
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    const connection = new WebConnection(socket);
    return new Promise((resolve, reject) => {
      socket.onmessage = (event: MessageEvent) => {
        connection.#receive(event.data as ArrayBuffer | string);
        if (connection.welcome) resolve(connection);
      };
      socket.onclose = (event: CloseEvent) => {
        const reason = event.reason || (connection.welcome ? "" : REFUSED);
        const error = new WebClosedError(event.code, reason);
        connection.#close(error);
        reject(error);
      };
    });
  }

  /** Whether the connection is closed. */
  get isClosed(): boolean {
    return this.#error !== undefined;
  }

  /** Calls `listener` once the connection closes (at once if it is closed). */
  onClose(listener: (error: WebClosedError) => void): void {
    this.addRoute({ wants: () => false, accept: () => undefined, onClosed: listener });
  }

  /** Sends `[topic, body]` to the bus; throws {@link WebClosedError} once closed. */
  publish(topic: string, body: Uint8Array): void {
    this.#send(encodeFrame(Op.publish, topic, body));
  }

  /**
   * Adds `prefix` for the page (shared: one subscription however many ask)
   * and resolves once the gateway's subscription is ready.
   */
  subscribe(prefix: string): Promise<void> {
    const known = this.#subscriptions.get(prefix);
    if (known) {
      known.count++;
      return known.ready;
    }
    const id = this.#nextId++;
    return attempt(() => {
      this.#send(encodeFrame(Op.subscribe, prefix, u32(id)));
      const ready = new Promise<void>((done, fail) => this.#pendingReady.set(id, { done, fail }));
      // The same promise serves later askers; a rejection they never await is not unhandled.
      ready.catch(() => undefined);
      this.#subscriptions.set(prefix, { count: 1, ready });
      return ready;
    });
  }

  /** Releases one {@link subscribe} of `prefix`; the last one removes it at the gateway. */
  unsubscribe(prefix: string): void {
    const known = this.#subscriptions.get(prefix);
    if (!known || --known.count > 0) return;
    this.#subscriptions.delete(prefix);
    if (!this.#error) this.#send(encodeFrame(Op.unsubscribe, prefix));
  }

  /** Starts routing messages to `route`. */
  addRoute(route: Route): void {
    if (this.#error) route.onClosed(this.#error);
    else this.#routes.add(route);
  }

  /** Stops routing messages to `route`. */
  removeRoute(route: Route): void {
    this.#routes.delete(route);
  }

  /** Closes the WebSocket (normal closure). */
  close(): void {
    this.socket.close(1000, "closed by the page");
    this.#close(new WebClosedError(1000, "closed by the page"));
  }

  #send(frame: Uint8Array): void {
    if (this.#error) throw this.#error;
    this.socket.send(frame);
  }

  #receive(data: ArrayBuffer | string): void {
    if (typeof data === "string") return;
    let frame: Frame;
    try {
      frame = decodeFrame(new Uint8Array(data));
    } catch (error) {
      // The gateway speaks another protocol: nothing after this can be trusted.
      this.socket.close(4002, "malformed frame from the gateway");
      this.#close(new WebClosedError(4002, `malformed frame from the gateway: ${String(error)}`));
      return;
    }
    switch (frame.op) {
      case Op.message:
        return this.#route(frame.topic, frame.topicBytes, frame.payload, data.byteLength);
      case Op.ready: {
        const id = readU32(frame.payload);
        this.#pendingReady.get(id)?.done();
        this.#pendingReady.delete(id);
        return;
      }
      case Op.welcome:
        this.welcome = readJson(frame.payload) as Welcome;
        return;
    }
  }

  #route(topic: string, topicBytes: Uint8Array, body: Uint8Array, size: number): void {
    let pending = 1;
    const taken = (): void => {
      // Acknowledged once every route took it, so a slow subscriber holds the gateway back (and gets conflated data).
      if (--pending === 0 && !this.#error) this.socket.send(encodeFrame(Op.ack, "", u32(size)));
    };
    const delivery: Delivery = { topic, topicBytes, body, taken };
    for (const route of this.#routes) {
      if (!route.wants(topic)) continue;
      pending++;
      try {
        route.accept(delivery);
      } catch (error) {
        // A throwing consumer never stops the others, nor the acknowledgements.
        console.error(error);
      }
    }
    taken();
  }

  #close(error: WebClosedError): void {
    if (this.#error) return;
    this.#error = error;
    for (const { fail } of this.#pendingReady.values()) fail(error);
    this.#pendingReady.clear();
    for (const route of this.#routes) route.onClosed(error);
    this.#routes.clear();
  }
}
