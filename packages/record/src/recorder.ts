/**
 * `record(bus, { file })`: a bus session to an MCAP file. One subscriber,
 * in a member of its own, receives the data topics and the version-2
 * emissions as they travel on the forwarder; each body goes into the MCAP
 * writer unchanged.
 */
import { EventEmitter } from "node:events";
import { McapWriter } from "@mcap/core";
import type { Message } from "@sunflare/virtual";
import type { Connection } from "@sunflare/signal";
import type { VirtualBus } from "@sunflare/virtual";
import { VirtualBus as Bus } from "@sunflare/virtual";
import { defaultLogger, parseEmissionTopic, SIGNAL_PREFIX, SunflareError } from "@sunflare/wire";
import { BufferedFile } from "./buffered-file.js";
import type { SignalName } from "./channels.js";
import {
  channelMetadata,
  emissionPrefix,
  MESSAGE_ENCODING,
  parseSignalName,
  SESSION_METADATA,
  signalChannelTopic,
} from "./channels.js";
import { nowNanos } from "./clock.js";
import { sessionMetadata, sessionOf } from "./session.js";

/** Options of {@link record}. */
export interface RecordOptions {
  /** The MCAP file to write (created, or replaced). */
  readonly file: string;
  /**
   * Data topics to record, as prefixes (ZeroMQ matching: `"camera"` takes
   * `"camera/frames"` too). Default: every data topic. `[]`: none.
   */
  readonly topics?: readonly string[];
  /**
   * Signals to record, as `"Owner.signal"`. Default: every signal of every
   * owner on the bus, including owners registered while recording. `[]`: none.
   */
  readonly signals?: readonly string[];
  /** Bytes of messages gathered into one MCAP chunk (default 4 MiB). */
  readonly chunkSize?: number;
}

/** What a {@link Recorder} has written so far. */
export interface RecorderStats {
  /** Messages written: data bodies and signal emissions. */
  readonly messages: number;
  /** Bytes of those bodies, as they travelled. */
  readonly bytes: number;
  /** Bytes of the MCAP file so far (in memory or on disk). */
  readonly fileBytes: number;
  /** Channels: data topics and signals seen. */
  readonly channels: number;
  /** Data messages passed by because they were not `[topic, body]` (raw multipart). */
  readonly skipped: number;
}

/** Where a message goes: its channel's map key, MCAP topic and signal. */
interface ChannelKey {
  readonly key: string;
  readonly topic: string;
  readonly name: SignalName | undefined;
}

/** The states of a {@link Recorder}. */
export type RecorderState = "recording" | "stopping" | "stopped" | "failed";

/** Events of a {@link Recorder}. */
export interface RecorderEvents {
  /** A message was written, on channel `topic` (a data topic, or `"Owner.signal"`). */
  message: [topic: string];
  /** Writing failed: nothing more is recorded, and `stop()` rejects with this error. */
  error: [error: unknown];
}

/**
 * A recording under way, made by {@link record}. `stop()` writes the summary
 * and closes the file.
 */
export class Recorder extends EventEmitter<RecorderEvents> {
  /** The MCAP file being written. */
  readonly file: string;
  readonly #bus: VirtualBus;
  readonly #listener: VirtualBus;
  readonly #writer: McapWriter;
  readonly #output: BufferedFile;
  readonly #channels = new Map<string, number>();
  readonly #sequences = new Map<number, number>();
  readonly #connections: Connection[] = [];
  #state: RecorderState = "recording";
  #failure: unknown;
  #messages = 0;
  #bytes = 0;
  #skipped = 0;
  /** The message being written: `stop()` waits for it. */
  #last: Promise<void> = Promise.resolve();
  #stopped: Promise<RecorderStats> | undefined;

  /** @hidden made by {@link record} */
  constructor(
    file: string,
    bus: VirtualBus,
    listener: VirtualBus,
    writer: McapWriter,
    output: BufferedFile,
  ) {
    super();
    this.file = file;
    this.#bus = bus;
    this.#listener = listener;
    this.#writer = writer;
    this.#output = output;
  }

  /** Where the recorder is: `"recording"` until {@link stop}. */
  get state(): RecorderState {
    return this.#state;
  }

  /** Messages and bytes written so far. */
  get stats(): RecorderStats {
    return {
      messages: this.#messages,
      bytes: this.#bytes,
      fileBytes: Number(this.#output.position()),
      channels: this.#channels.size,
      skipped: this.#skipped,
    };
  }

  /**
   * Stops recording: writes what was received, the session metadata and
   * the summary (chunk indexes, statistics), and closes the file. Resolves
   * with the final stats once the file is complete; rejects if writing
   * failed. Idempotent.
   */
  stop(): Promise<RecorderStats> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  /** The subscriber's callback: one message, written before the next is taken. @internal */
  consume(message: Message): Promise<void> | undefined {
    if (this.#state !== "recording") return undefined;
    const body = bodyOf(message);
    if (body === undefined) {
      this.#skipped++;
      return undefined;
    }
    const channel = this.#channelOf(message.topic);
    if (channel === undefined) return undefined;
    this.#last = this.#write(channel, body);
    return this.#last;
  }

  /** @internal */
  track(connection: Connection): void {
    this.#connections.push(connection);
  }

  /** The channel `message` goes to; `undefined`: not recorded. */
  #channelOf(topic: string): ChannelKey | undefined {
    if (!topic.startsWith(SIGNAL_PREFIX)) return { key: `t:${topic}`, topic, name: undefined };
    const name = parseEmissionTopic(topic);
    // A version-1 form repeats the version-2 form its owner also sends.
    if (name?.sender === undefined) return undefined;
    const channelTopic = signalChannelTopic(name);
    return { key: `s:${channelTopic}`, topic: channelTopic, name };
  }

  async #write(channel: ChannelKey, body: Uint8Array): Promise<void> {
    try {
      let channelId = this.#channels.get(channel.key);
      if (channelId === undefined) {
        channelId = await this.#writer.registerChannel({
          topic: channel.topic,
          schemaId: 0,
          messageEncoding: MESSAGE_ENCODING,
          metadata: channelMetadata(channel.name === undefined ? "topic" : "signal", channel.name),
        });
        this.#channels.set(channel.key, channelId);
      }
      const sequence = (this.#sequences.get(channelId) ?? 0) + 1;
      this.#sequences.set(channelId, sequence);
      const time = nowNanos();
      await this.#writer.addMessage({
        channelId,
        sequence,
        logTime: time,
        publishTime: time,
        data: body,
      });
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#messages++;
    this.#bytes += body.byteLength;
    this.emit("message", channel.topic);
  }

  #fail(error: unknown): void {
    if (this.#state === "failed") return;
    this.#state = "failed";
    this.#failure = error;
    if (this.listenerCount("error") > 0) this.emit("error", error);
  }

  async #stop(): Promise<RecorderStats> {
    if (this.#state === "recording") this.#state = "stopping";
    for (const connection of this.#connections) connection.disconnect();
    // The member's subscriber closes with it: nothing more comes in.
    const session = sessionOf(this.#bus, new Set([this.#listener.member]));
    await this.#listener.shutdown();
    await this.#last;
    try {
      await this.#writer.addMetadata({
        name: SESSION_METADATA,
        metadata: sessionMetadata(session),
      });
      await this.#writer.end();
    } catch (error) {
      this.#fail(error);
    }
    try {
      await this.#output.close();
    } catch (error) {
      this.#fail(error);
    }
    if (this.#state === "failed") {
      throw new SunflareError(
        "closed",
        `Recording to ${this.file} failed: ${String((this.#failure as Error | undefined)?.message ?? this.#failure)}`,
        { cause: this.#failure },
      );
    }
    this.#state = "stopped";
    return this.stats;
  }
}

/**
 * Records the data topics and signal emissions of `bus` to the MCAP file
 * `options.file`: one channel per data topic and per signal
 * (`"Owner.signal"`), `messageEncoding: "msgpack"`, each body exactly as it
 * travelled, chunked and indexed, with the session (members, owners,
 * wiring) as `sunflare.session` metadata. Resolves once recording: the
 * subscriptions are in place and the owners registered now publish their
 * emissions to it. Owners registered later are recorded from the moment
 * their emissions reach the recorder.
 *
 * The recorder joins the bus as a member of its own (so that owners in the
 * recording bus publish their emissions too) and never drops: when the disk
 * falls behind, messages queue in memory.
 *
 * @example
 * ```ts
 * const recorder = await record(bus, { file: "session.mcap" });
 * // … the session runs …
 * const stats = await recorder.stop();
 * console.log(`${stats.messages} messages, ${stats.fileBytes} bytes`);
 * ```
 * @throws SunflareError `"malformed"` for a signal that is not `"Owner.signal"`; `"closed"` for a bus shut down
 */
export async function record(bus: VirtualBus, options: RecordOptions): Promise<Recorder> {
  const selected = options.signals?.map((text) => {
    const name = parseSignalName(text);
    if (name === undefined) {
      throw new SunflareError(
        "malformed",
        `record: ${JSON.stringify(text)} is not a signal; name signals as "Owner.signal".`,
      );
    }
    return name;
  });
  await bus.ready();
  const output = await BufferedFile.create(options.file);
  const writer = new McapWriter({
    writable: output,
    chunkSize: options.chunkSize ?? 4 * 1024 * 1024,
  });
  await writer.start({ profile: "sunflare", library: "@sunflare/record" });
  const listener = await Bus.join(bus.address);
  const recorder = new Recorder(options.file, bus, listener, writer, output);
  const prefixes = [
    ...(options.topics ?? [""]),
    ...(selected === undefined ? [SIGNAL_PREFIX] : selected.map(emissionPrefix)),
  ];
  const subscriber = listener.connectSubscriber(prefixes, {
    noDrop: true,
    consume: (message) => recorder.consume(message),
  });
  const connections = listenTo(listener, recorder, selected);
  await subscriber.ready();
  // The listener learns the other members' owners as they answer its hello:
  // wait for those the bus knows now, then until their emissions reach it.
  const wanted = (selected?.map((name) => name.owner) ?? bus.names()).filter((name) =>
    bus.has(name),
  );
  await ownersKnown(listener, new Set(wanted));
  await Promise.all(
    connections()
      .filter((connection) => connection.connected)
      .map((connection) => connection.ready),
  );
  return recorder;
}

/** The body of `[topic, body]`; `undefined` for other multipart messages. */
function bodyOf({ frames }: Message): Uint8Array | undefined {
  return frames.length === 2 ? frames[1] : undefined;
}

/** How long {@link record} waits for the owners the bus knows to be known to its member. */
const OWNERS_TIMEOUT_MS = 10_000;

/** Resolves once `listener` knows every owner in `names` (or after a while, with a warning). */
async function ownersKnown(listener: VirtualBus, names: ReadonlySet<string>): Promise<void> {
  const missing = (): string[] => [...names].filter((name) => !listener.has(name));
  if (missing().length === 0) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      listener.registry.off("registered", check);
      resolve();
    };
    const check = (): void => {
      if (missing().length === 0) done();
    };
    const timer = setTimeout(() => {
      defaultLogger.warn(
        `record: ${missing().join(", ")} did not reach the recorder in ${OWNERS_TIMEOUT_MS} ms; their emissions are recorded once they do.`,
      );
      done();
    }, OWNERS_TIMEOUT_MS);
    listener.registry.on("registered", check);
  });
}

/**
 * Makes `listener` listen to the selected signals (all, when none are
 * selected: also those registered later), so that their owners publish
 * their emissions; the subscriber takes the bytes. Returns what lists the
 * connections made so far.
 */
function listenTo(
  listener: VirtualBus,
  recorder: Recorder,
  selected: readonly SignalName[] | undefined,
): () => Connection[] {
  const ignore = (): void => undefined;
  const made: Connection[] = [];
  const connect = (name: SignalName): void => {
    // Deferred: it waits for an owner not there yet, and for one that comes back.
    const connection = listener.registry.connect(name.owner, name.signal, ignore, {
      deferred: true,
    });
    recorder.track(connection);
    made.push(connection);
  };
  if (selected !== undefined) {
    selected.forEach(connect);
    return () => made;
  }
  const listened = new Set<string>();
  const follow = (owner: string, signals: Iterable<string>): void => {
    for (const signal of signals) {
      const key = signalChannelTopic({ owner, signal });
      if (listened.has(key)) continue;
      listened.add(key);
      connect({ owner, signal });
    }
  };
  listener.registry.on("registered", (owner, _object, signals) => follow(owner, signals.keys()));
  for (const owner of listener.names()) follow(owner, Object.keys(listener.signals(owner)));
  return () => made;
}
