import { isInprocAddress } from "@sunflare/wire";
import type { Socket } from "zeromq";
import type { CurveClientOptions } from "./curve.js";
import { applyCurveClient } from "./curve.js";
import type { ForwarderAddresses } from "./endpoints.js";
import { Forwarder } from "./forwarder.js";

/** Where a {@link Publisher} or {@link Subscriber} connects. */
export type Endpoint = string | Forwarder | ForwarderAddresses;

/** Where to connect, and what is known of the forwarder there. @internal */
export interface ConnectInfo {
  address: string;
  /** Both addresses, when the endpoint was a forwarder or its addresses. */
  addresses: ForwarderAddresses | undefined;
  curve: CurveClientOptions | undefined;
}

/**
 * The address of one side of the forwarder, once known (starting an
 * in-process {@link Forwarder} if needed), with its CURVE server key when the
 * forwarder object says it runs with `curve`.
 *
 * @internal
 */
export async function resolveEndpoint(
  endpoint: Endpoint,
  side: "publish" | "subscribe",
  curve: CurveClientOptions | undefined,
): Promise<ConnectInfo> {
  if (typeof endpoint === "string") return { address: endpoint, addresses: undefined, curve };
  if (endpoint instanceof Forwarder) {
    await endpoint.start();
    const serverKey = endpoint.curveServerKey;
    if (serverKey !== undefined) curve ??= { serverKey };
  }
  const addresses = {
    publishAddress: endpoint.publishAddress,
    subscribeAddress: endpoint.subscribeAddress,
  };
  const address = side === "publish" ? addresses.publishAddress : addresses.subscribeAddress;
  return { address, addresses, curve };
}

/** Connects a socket of this thread as `info` says (a closed socket stays closed). @internal */
export function connectSocket(socket: Socket, info: ConnectInfo): void {
  if (socket.closed) return;
  if (info.curve) applyCurveClient(socket, info.curve);
  socket.connect(info.address);
}

/**
 * Whether `endpoint` is reached over inproc, where every peer is a socket of
 * this process. @internal
 */
export function isInproc(endpoint: Endpoint): boolean {
  if (endpoint instanceof Forwarder) return endpoint.transport === "inproc";
  return isInprocAddress(typeof endpoint === "string" ? endpoint : endpoint.publishAddress);
}
