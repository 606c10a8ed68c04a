/**
 * The two sockets a forwarder (or a bridge to it) binds: an XSUB for
 * publishers and an XPUB for subscribers, set as its options say.
 *
 * @internal
 */
import { XPublisher, XSubscriber } from "zeromq";
import { applyCurveServer } from "./curve.js";
import type { ForwarderOptions } from "./forwarder.js";

/** Messages queued per peer on each side, unless the options say otherwise. */
export const DEFAULT_HIGH_WATER_MARK = 10_000;

/** @internal */
export function boundPair(options: ForwarderOptions): { xsub: XSubscriber; xpub: XPublisher } {
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const xsub = new XSubscriber({
    linger: 0,
    receiveHighWaterMark: highWaterMark,
    sendHighWaterMark: highWaterMark,
  });
  const xpub = new XPublisher({
    linger: 0,
    sendHighWaterMark: highWaterMark,
    noDrop: options.noDrop ?? false,
  });
  try {
    for (const socket of [xsub, xpub]) {
      if (options.maxMessageSize !== undefined) socket.maxMessageSize = options.maxMessageSize;
      if (options.curve) applyCurveServer(socket, options.curve);
      if (options.host?.includes(":")) socket.ipv6 = true;
    }
  } catch (error) {
    xsub.close();
    xpub.close();
    throw error;
  }
  return { xsub, xpub };
}
