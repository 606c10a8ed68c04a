/**
 * The two sockets of a forwarder's proxy, or of a bridge's: an XSUB on the
 * publishers' side and an XPUB on the subscribers', set as the options say.
 *
 * @internal
 */
import { XPublisher, XSubscriber } from "zeromq";
import { applyCurveServer } from "./curve.js";
import type { ForwarderOptions } from "./forwarder.js";

/** Messages queued per peer on each side, unless the options say otherwise. */
const DEFAULT_HIGH_WATER_MARK = 10_000;

/** @internal */
export function proxyPair(options: ForwarderOptions): { xsub: XSubscriber; xpub: XPublisher } {
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
