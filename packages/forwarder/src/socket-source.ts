/**
 * A {@link FrameSource} on a ZeroMQ SUB socket of this thread.
 *
 * @internal
 */
import type { Observer } from "zeromq";
import { Subscriber as ZmqSubscriber } from "zeromq";
import type { ConnectInfo } from "./connect.js";
import { connectSocket } from "./connect.js";
import { asError, isErrno } from "./errors.js";
import { closeAtExit, forgetAtExit } from "./exit.js";
import type { FrameSource } from "./source.js";

/** What a {@link SocketSource} tells its subscriber about `maxMessageSize` resets. */
export interface ResetEvents {
  /** The connection was reset: messages may have been lost from here on. */
  lost(): void;
  /** Reports what happened, once the connection is back (or could not be). */
  report(error: unknown): void;
}

/** @internal */
export class SocketSource implements FrameSource {
  readonly #socket: ZmqSubscriber;
  readonly #events: Observer | undefined;
  #connected: Promise<void>;
  #markConnected!: () => void;
  #isConnected = false;
  /** See {@link #setFlowing}. */
  #flowing = false;
  /** zeromq.js's own `closed` is a native call, and reads ask for it. */
  #closed = false;

  constructor(
    highWaterMark: number,
    private readonly limit?: { maxMessageSize: number; resets: ResetEvents },
  ) {
    this.#socket = new ZmqSubscriber({ linger: 0, receiveHighWaterMark: highWaterMark });
    this.#connected = new Promise((resolve) => (this.#markConnected = resolve));
    closeAtExit(this.#socket);
    if (limit) {
      this.#socket.maxMessageSize = limit.maxMessageSize;
      // Created before connecting, so that no event of the connection is missed.
      this.#events = this.#socket.events;
      closeAtExit(this.#events);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  connect(info: ConnectInfo): void {
    connectSocket(this.#socket, info);
    this.#isConnected = true;
    this.#markConnected();
    if (this.limit) void this.#watchResets(info.address, this.limit);
  }

  subscribe(topic: string): void {
    this.#socket.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    this.#socket.unsubscribe(topic);
  }

  read(): Promise<Buffer[]> {
    // A receive pending while libzmq attaches an inproc pipe can miss the
    // wake-up for what arrives during the attach: read once connected.
    if (!this.#isConnected) return this.#connected.then(() => this.read());
    let receiving: Promise<Buffer[]>;
    try {
      receiving = this.#socket.receive();
    } catch (error) {
      // Also what a read after close gets: zeromq.js throws EBADF.
      return Promise.reject(asError(error));
    }
    // This runs for every message: one derived promise each.
    return this.#flowing ? receiving.catch(this.#stopped) : receiving.then(this.#started);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
    forgetAtExit(this.#socket);
    if (this.#events) forgetAtExit(this.#events);
    // Reads waiting for a connection that will never come end now.
    this.#isConnected = true;
    this.#markConnected();
  }

  /**
   * While messages keep coming, the socket runs with a receive timeout of 0:
   * a receive then returns at once (EAGAIN when nothing is queued) and
   * zeromq.js skips asking libzmq for the socket's state first, a system
   * call. Otherwise (the default), a receive waits; that costs the state
   * query, but not the exception an EAGAIN costs (ten times more).
   */
  #setFlowing(flowing: boolean): void {
    this.#flowing = flowing;
    this.#socket.receiveTimeout = flowing ? 0 : -1;
  }

  /** A read in flowing mode failed: the stream stopped (EAGAIN), or a real failure. */
  readonly #stopped = (error: unknown): Promise<Buffer[]> => {
    if (!this.closed) this.#setFlowing(false);
    if (this.closed || !isErrno(error, "EAGAIN")) throw error;
    return this.read();
  };

  /** A read that waited succeeded: with more queued behind it, the stream flows. */
  readonly #started = (frames: Buffer[]): Buffer[] => {
    if (!this.closed && this.#socket.readable) this.#setFlowing(true);
    return frames;
  };

  /**
   * libzmq answers a message over `maxMessageSize` with a protocol error: it
   * drops the message and the connection, and never reconnects (it does only
   * after connection errors). Reconnect here, and report the reset once the
   * forwarder is reached again without a retry (which tells a reset by a
   * live peer from a forwarder that went away).
   */
  async #watchResets(
    address: string,
    limit: { maxMessageSize: number; resets: ResetEvents },
  ): Promise<void> {
    const events = this.#events!;
    let reset = false;
    try {
      for (;;) {
        const event = await events.receive();
        if (this.closed) return;
        if (event.type === "disconnect") {
          reset = true;
          limit.resets.lost();
          this.#reconnect(address);
        } else if (event.type === "connect:retry") {
          reset = false;
        } else if (event.type === "handshake" && reset) {
          reset = false;
          limit.resets.report(
            new Error(
              `The forwarder at ${address} sent a message larger than this subscriber's maxMessageSize (${limit.maxMessageSize} bytes): ZeroMQ dropped it and reset the connection, which has been re-established. Messages sent meanwhile were lost.`,
            ),
          );
        }
      }
    } catch {
      // The socket (and with it its event observer) was closed.
    }
  }

  #reconnect(address: string): void {
    try {
      this.#socket.disconnect(address);
    } catch {
      // Already gone with the reset: connecting again is all that is needed.
    }
    try {
      this.#socket.connect(address);
    } catch (error) {
      if (!this.closed) this.limit?.resets.report(error);
    }
  }
}
