/**
 * `play(bus, file)`: a recording back onto a bus, in order, at the recorded
 * pace. Data bodies are published unchanged; signals are emitted by
 * stand-in owners registered on `bus` under the recorded owners' names, so
 * slots connected by name receive them wherever they are.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { McapIndexedReader } from "@mcap/core";
import type { Publisher, VirtualBus } from "@sunflare/virtual";
import { Signal } from "@sunflare/virtual";
import { defaultLogger, SunflareError } from "@sunflare/wire";
import type { SignalName } from "./channels.js";
import { channelKind, channelSignal, MESSAGE_ENCODING, SESSION_METADATA } from "./channels.js";
import { openRecording } from "./mcap-file.js";
import type { OpenRecording } from "./mcap-file.js";
import { parseSession } from "./session.js";

/** Sends under way at once when playing as fast as possible. */
const SENDS_IN_FLIGHT = 64;

/** Options of {@link play}. */
export interface PlayOptions {
  /**
   * Speed against the recorded pace (default 1; 2 plays twice as fast).
   * `Infinity` or `0`: as fast as possible, in order.
   */
  readonly rate?: number;
  /** Start over at the end, until {@link Player.stop} (default `false`). */
  readonly loop?: boolean;
  /**
   * Register the stand-in owners but wait for {@link Player.start} before
   * the first message (default `false`): lets members elsewhere connect to
   * the stand-ins first, and wait for `connection.ready`.
   */
  readonly paused?: boolean;
  /**
   * Check each chunk's CRC before playing it (default `true`): a damaged
   * chunk fails the player instead of sending damaged bodies. `false` plays
   * about twice as fast where the file is trusted.
   */
  readonly verify?: boolean;
}

/** The states of a {@link Player}. */
export type PlayerState = "paused" | "playing" | "stopped" | "done" | "failed";

/** What a {@link Player} has played so far. */
export interface PlayerStats {
  /** Messages played: data bodies published and emissions made. */
  readonly messages: number;
  /** Times the recording was played from its start (1 without `loop`). */
  readonly rounds: number;
}

/** A channel as the player plays it. */
type Route =
  | { readonly kind: "topic"; readonly topic: string }
  | { readonly kind: "signal"; readonly signal: Signal<unknown[]>; readonly name: SignalName };

/**
 * A recording playing, made by {@link play}. `done` resolves when it has
 * played to the end (or was stopped); `stop()` ends it at once.
 */
export class Player {
  /** The recording being played. */
  readonly file: string;
  /** Resolves when playing ended (the end reached, or {@link stop}); rejects if it failed. */
  readonly done: Promise<PlayerStats>;
  /** The registry names of the stand-in owners, registered while playing. */
  readonly owners: readonly string[];
  readonly #bus: VirtualBus;
  readonly #recording: OpenRecording;
  readonly #routes: ReadonlyMap<number, Route>;
  readonly #rate: number;
  readonly #loop: boolean;
  readonly #verify: boolean;
  readonly #abort = new AbortController();
  readonly #publisher: Publisher;
  readonly #stand: readonly object[];
  #state: PlayerState;
  #messages = 0;
  #rounds = 0;
  #start!: () => void;

  /** @hidden made by {@link play} */
  constructor(
    file: string,
    bus: VirtualBus,
    recording: OpenRecording,
    routes: ReadonlyMap<number, Route>,
    standIns: ReadonlyMap<string, object>,
    options: PlayOptions,
  ) {
    this.file = file;
    this.#bus = bus;
    this.#recording = recording;
    this.#routes = routes;
    this.#rate = options.rate ?? 1;
    this.#loop = options.loop === true;
    this.#verify = options.verify !== false;
    this.#publisher = bus.connectPublisher();
    this.owners = [...standIns.keys()];
    this.#stand = [...standIns.values()];
    this.#state = options.paused === true ? "paused" : "playing";
    const started = new Promise<void>((resolve) => (this.#start = resolve));
    if (this.#state === "playing") this.#start();
    this.done = this.#run(started);
    // `done` is also read by whoever awaits it; this keeps an unread failure from crashing the process.
    this.done.catch(() => undefined);
  }

  /** Where the player is. */
  get state(): PlayerState {
    return this.#state;
  }

  /** Messages played so far. */
  get stats(): PlayerStats {
    return { messages: this.#messages, rounds: this.#rounds };
  }

  /** Starts a player made with `paused: true`; nothing when it plays already. */
  start(): void {
    if (this.#state !== "paused") return;
    this.#state = "playing";
    this.#start();
  }

  /**
   * Stops playing at once (no further message is sent), withdraws the
   * stand-in owners and closes the file. Resolves with `done`. Idempotent.
   */
  async stop(): Promise<PlayerStats> {
    if (this.#state === "paused" || this.#state === "playing") {
      this.#state = "stopped";
      this.#abort.abort();
      this.#start();
    }
    return this.done.catch(() => this.stats);
  }

  async #run(started: Promise<void>): Promise<PlayerStats> {
    try {
      await started;
      do {
        if (this.#state !== "playing") break;
        this.#rounds++;
        await this.#round(this.#recording.reader);
      } while (this.#loop);
      if (this.#state === "playing") this.#state = "done";
      return this.stats;
    } catch (error) {
      if (this.#state === "stopped") return this.stats;
      this.#state = "failed";
      throw error;
    } finally {
      for (const owner of this.#stand) this.#bus.registry.unregister(owner);
      this.#publisher.close();
      await this.#recording.close();
    }
  }

  /** Plays the recording once, from its start. */
  async #round(reader: McapIndexedReader): Promise<void> {
    const { signal } = this.#abort;
    const unlimited = this.#rate === 0 || this.#rate === Infinity;
    let first: bigint | undefined;
    let startedAt = 0;
    // Unpaced, sends overlap (one publisher keeps their order); paced, each waits its turn anyway.
    const inFlight: Promise<void>[] = [];
    for await (const message of reader.readMessages({ validateCrcs: this.#verify })) {
      if (this.#state !== "playing") return;
      const route = this.#routes.get(message.channelId);
      if (route === undefined) continue;
      if (!unlimited) {
        if (first === undefined) {
          first = message.logTime;
          startedAt = performance.now();
        }
        const due = startedAt + Number(message.logTime - first) / 1e6 / this.#rate;
        const wait = due - performance.now();
        // Within a millisecond is on time: a timer cannot do better.
        if (wait > 1) await sleep(wait, undefined, { signal });
      }
      if (this.#state !== "playing") return;
      if (route.kind === "topic") {
        const sent = this.#publisher.sendEncoded(route.topic, message.data);
        if (!unlimited) await sent;
        else if (inFlight.push(sent) >= SENDS_IN_FLIGHT) await inFlight.shift();
      } else {
        this.#emit(route, message.data);
      }
      this.#messages++;
    }
    await Promise.all(inFlight);
  }

  /** Emits a recorded emission on its stand-in; a body that is not an argument list is reported and passed by. */
  #emit(route: Extract<Route, { kind: "signal" }>, body: Uint8Array): void {
    const args = this.#bus.codec.decode(body);
    if (!Array.isArray(args)) {
      defaultLogger.warn(
        `play ${this.file}: an emission of ${route.name.owner}.${route.name.signal} is not an argument list; passed by.`,
      );
      return;
    }
    route.signal.emit(...(args as unknown[]));
  }
}

/**
 * Plays the MCAP recording `file` onto `bus`, in log-time order, at the
 * recorded pace times `rate`. Data topics are published with their bodies
 * unchanged; each recorded owner is registered on `bus` as a stand-in with
 * one `Signal` per signal it had (recorded, or listed in the session), and
 * the recorded emissions are emitted on them: a slot connected by name
 * (`bus.connect("Camera", "sigFrame", slot)`, on any member) receives them
 * as it would from the real owner. The stand-ins are withdrawn when playing
 * ends.
 *
 * @example
 * ```ts
 * const player = await play(bus, "session.mcap", { rate: 2 });
 * await player.done;
 * ```
 * @throws SunflareError `"malformed"` for a file that is not a readable recording; `"refused"` when a recorded owner is registered on the bus already
 */
export async function play(
  bus: VirtualBus,
  file: string,
  options: PlayOptions = {},
): Promise<Player> {
  const rate = options.rate ?? 1;
  if (!(rate >= 0)) {
    throw new SunflareError(
      "malformed",
      `play: rate must be 0, a positive number or Infinity, not ${rate}.`,
    );
  }
  await bus.ready();
  const recording = await openRecording(file);
  try {
    const { routes, standIns } = await routesOf(file, bus, recording.reader);
    for (const [name, owner] of standIns) bus.registerSignals(owner, { name });
    return new Player(file, bus, recording, routes, standIns, options);
  } catch (error) {
    await recording.close();
    throw error;
  }
}

/** How each channel plays, and the stand-in owners the signal channels need. */
async function routesOf(
  file: string,
  bus: VirtualBus,
  reader: McapIndexedReader,
): Promise<{
  routes: Map<number, Route>;
  standIns: Map<string, Record<string, Signal<unknown[]>>>;
}> {
  const standIns = new Map<string, Record<string, Signal<unknown[]>>>();
  const signalOf = (name: SignalName): Signal<unknown[]> => {
    let owner = standIns.get(name.owner);
    if (owner === undefined) {
      owner = {};
      standIns.set(name.owner, owner);
    }
    return (owner[name.signal] ??= new Signal<unknown[]>({ name: name.signal }));
  };
  const routes = new Map<number, Route>();
  const foreign: string[] = [];
  for (const channel of reader.channelsById.values()) {
    if (channel.messageEncoding !== MESSAGE_ENCODING) {
      foreign.push(`${channel.topic} (${channel.messageEncoding || "no encoding"})`);
      continue;
    }
    if (channelKind(channel.metadata) === "topic") {
      routes.set(channel.id, { kind: "topic", topic: channel.topic });
      continue;
    }
    const name = channelSignal(channel.topic, channel.metadata);
    if (name === undefined) continue;
    routes.set(channel.id, { kind: "signal", signal: signalOf(name), name });
  }
  if (routes.size === 0 && foreign.length > 0) {
    throw new SunflareError(
      "malformed",
      `${file} is an MCAP file but not a Sunflare recording: none of its channels is MessagePack (${foreign.join(", ")}).`,
    );
  }
  // The session's owners keep their other signals: connecting to them finds a signal, not a warning.
  for await (const record of reader.readMetadata({ name: SESSION_METADATA })) {
    for (const owner of parseSession(record.metadata).owners)
      if (standIns.has(owner.owner))
        for (const signal of owner.signals) signalOf({ owner: owner.owner, signal });
  }
  for (const name of standIns.keys()) {
    if (bus.has(name)) {
      throw new SunflareError(
        "refused",
        `play ${file}: ${name} is registered on the bus already; a recording's owners stand in only where the real ones are absent.`,
      );
    }
  }
  return { routes, standIns };
}
