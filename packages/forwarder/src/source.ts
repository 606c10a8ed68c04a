/**
 * Where a {@link Subscriber} reads from: a ZeroMQ SUB socket in this thread
 * (`socket-source.ts`) or in a worker thread (`off-thread.ts`). Either yields
 * raw ZeroMQ messages, one read at a time; `reader.ts` makes messages of them.
 *
 * @internal
 */
import type { ConnectInfo } from "./connect.js";

/** @internal */
export interface FrameSource {
  readonly closed: boolean;
  /** Connects to the forwarder; reads wait until then. */
  connect(info: ConnectInfo): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /**
   * The frames of the next ZeroMQ message; rejects if the read failed, and
   * once {@link close} was called (with any error). One read at a time: the
   * caller waits for each before the next.
   */
  read(): Promise<Buffer[]>;
  /** Closes the socket; a pending read fails. Idempotent. */
  close(): void;
}
