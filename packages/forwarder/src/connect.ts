import type { Socket } from "zeromq";
import type { CurveClientOptions, CurveClientSocket } from "./curve.js";
import { applyCurveClient } from "./curve.js";
import type { ForwarderAddresses } from "./endpoints.js";
import { Forwarder } from "./forwarder.js";

/** Where a {@link Publisher} or {@link Subscriber} connects. */
export type Endpoint = string | Forwarder | ForwarderAddresses;

/** What {@link connectTo} needs of a socket: a zeromq.js socket or an `OffThreadReceiver`. @internal */
export type ConnectableSocket = Pick<Socket, "connect" | "closed"> & CurveClientSocket;

/** @internal */
export interface ConnectInfo {
  address: string;
  addresses: ForwarderAddresses | undefined;
  curve: CurveClientOptions | undefined;
}

/**
 * Connects `socket` to one side of the forwarder once its address is known
 * (starting an in-process {@link Forwarder} if needed), and resolves with the
 * address used and the forwarder's addresses when known.
 *
 * @internal
 */
export async function connectTo(
  socket: ConnectableSocket,
  endpoint: Endpoint,
  side: "publish" | "subscribe",
  curve: CurveClientOptions | undefined,
): Promise<ConnectInfo> {
  let addresses: ForwarderAddresses | undefined;
  let address: string;
  if (endpoint instanceof Forwarder) {
    await endpoint.start();
    const serverKey = endpoint.curveServerKey;
    if (serverKey !== undefined && curve === undefined) curve = { serverKey };
    addresses = {
      publishAddress: endpoint.publishAddress,
      subscribeAddress: endpoint.subscribeAddress,
    };
  } else if (typeof endpoint !== "string") {
    addresses = {
      publishAddress: endpoint.publishAddress,
      subscribeAddress: endpoint.subscribeAddress,
    };
  }
  if (addresses)
    address = side === "publish" ? addresses.publishAddress : addresses.subscribeAddress;
  else address = endpoint as string;
  if (curve) applyCurveClient(socket, curve);
  if (!socket.closed) socket.connect(address);
  return { address, addresses, curve };
}

/**
 * Whether `endpoint` is reached over inproc, where every peer is a socket of
 * this process. @internal
 */
export function isInproc(endpoint: Endpoint): boolean {
  if (endpoint instanceof Forwarder) return endpoint.transport === "inproc";
  const address = typeof endpoint === "string" ? endpoint : endpoint.publishAddress;
  return address.startsWith("inproc://");
}
