import type { Socket } from "zeromq";
import { curveKeyPair as zmqCurveKeyPair } from "zeromq";

/**
 * A CURVE key pair, as made by {@link curveKeyPair}: Z85-encoded, 40
 * characters each.
 */
export interface CurveKeyPair {
  /** Shared with peers. */
  publicKey: string;
  /** Never leaves its owner. */
  secretKey: string;
}

/**
 * CURVE settings of a {@link Publisher} or {@link Subscriber} joining a
 * forwarder that runs with `curve`.
 *
 * `publicKey`/`secretKey` default to a fresh pair made for this socket; the
 * forwarder only needs to know the client exists, not who it is.
 */
export interface CurveClientOptions {
  /** The forwarder's public key. */
  serverKey: string;
  /** This peer's public key (default: generated). */
  publicKey?: string;
  /** This peer's secret key (default: generated). */
  secretKey?: string;
}

/**
 * Makes a fresh CURVE key pair (zeromq's `curveKeyPair`): one for the
 * forwarder's `curve` option; clients get one automatically.
 *
 * @example
 * ```ts
 * const forwarder = new Forwarder({ transport: "tcp", curve: curveKeyPair() });
 * // Give peers forwarder.curveServerKey (the public half), never the secret one.
 * ```
 */
export function curveKeyPair(): CurveKeyPair {
  return zmqCurveKeyPair();
}

/** @internal */
export function applyCurveServer(socket: Socket, keys: CurveKeyPair): void {
  socket.curveServer = true;
  socket.curvePublicKey = keys.publicKey;
  socket.curveSecretKey = keys.secretKey;
}

/** A CURVE client's keys, its own pair made if not given. @internal */
export function clientKeys(options: CurveClientOptions): Required<CurveClientOptions> {
  const own =
    options.publicKey !== undefined && options.secretKey !== undefined
      ? { publicKey: options.publicKey, secretKey: options.secretKey }
      : zmqCurveKeyPair();
  return { serverKey: options.serverKey, ...own };
}

/** @internal */
export function applyCurveClient(socket: Socket, options: CurveClientOptions): void {
  const keys = clientKeys(options);
  socket.curveServerKey = keys.serverKey;
  socket.curvePublicKey = keys.publicKey;
  socket.curveSecretKey = keys.secretKey;
}
