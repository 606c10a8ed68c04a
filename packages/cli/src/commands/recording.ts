import { play as playFile, readInfo, record as recordBus } from "@sunflare/record";
import type { CommandContext } from "../session.js";
import { CliError } from "../errors.js";
import { parseSource } from "../names.js";
import { progress } from "../progress.js";

/** Options of `sunflare record`. */
export interface RecordCommandOptions {
  /** The MCAP file to write. */
  readonly output: string;
  /** Seconds to record (default: until Ctrl-C). */
  readonly duration?: number;
}

/** Resolves after `seconds` (never without), or when the command is stopped. */
function stopAfter(context: CommandContext, seconds?: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = seconds === undefined ? undefined : setTimeout(resolve, seconds * 1000);
    const onStop = (): void => {
      clearTimeout(timer);
      resolve();
    };
    if (context.stop.aborted) onStop();
    context.stop.addEventListener("abort", onStop, { once: true });
  });
}

/** Reports `read()` on `shown` once a second until the returned function is called. */
function every(shown: ReturnType<typeof progress>, read: () => string): () => void {
  const timer = setInterval(() => shown.update(read()), 1000);
  return () => {
    clearInterval(timer);
    shown.stop();
  };
}

/**
 * `sunflare record -o FILE.mcap [TOPIC|Owner.signal...]`: every topic and
 * signal by default; the ones named otherwise.
 */
export async function record(
  context: CommandContext,
  sources: readonly string[],
  options: RecordCommandOptions,
): Promise<void> {
  const parsed = sources.map((text) => parseSource(text));
  const topics = parsed.flatMap((source) => (source.kind === "topic" ? [source.topic] : []));
  const signals = parsed.flatMap((source) =>
    source.kind === "signal" ? [`${source.owner}.${source.member}`] : [],
  );
  const recorder = await recordBus(context.bus, {
    file: options.output,
    ...(parsed.length === 0 ? {} : { topics, signals }),
  });
  const failed = new Promise<void>((resolve) => recorder.once("error", () => resolve()));
  const done = every(progress(`recording ${options.output}`), () => {
    const { messages, fileBytes } = recorder.stats;
    return `${messages} messages, ${fileBytes} bytes`;
  });
  await Promise.race([stopAfter(context, options.duration), failed]);
  done();
  const stats = await recorder.stop();
  console.error(
    `recorded ${stats.messages} messages on ${stats.channels} channels to ${options.output}`,
  );
}

/** Options of `sunflare play`. */
export interface PlayCommandOptions {
  /** Speed against the recorded pace (default 1). */
  readonly rate?: number;
  /** Start over at the end, until Ctrl-C. */
  readonly loop?: boolean;
}

/** `sunflare play FILE.mcap`: replays a recording into the bus. */
export async function play(
  context: CommandContext,
  file: string,
  options: PlayCommandOptions,
): Promise<void> {
  const player = await playFile(context.bus, file, { rate: options.rate, loop: options.loop });
  const done = every(progress(`playing ${file}`), () => `${player.stats.messages} messages`);
  try {
    await Promise.race([player.done, stopAfter(context)]);
  } finally {
    done();
  }
  const stats = await player.stop();
  console.error(`played ${stats.messages} messages from ${file}`);
}

/** The document `sunflare info --json` prints. */
export interface InfoDocument {
  /** Messages in the recording. */
  readonly messages: number;
  /** Log time of the first message, ms since the epoch. */
  readonly start: number;
  /** Log time of the last message, ms since the epoch. */
  readonly end: number;
  /** Each channel (a topic or `Owner.signal`) and its messages. */
  readonly channels: { readonly topic: string; readonly messages: number }[];
}

/** `sunflare info FILE.mcap`: what a recording holds. */
export async function info(file: string, options: { json?: boolean }): Promise<void> {
  let found;
  try {
    found = await readInfo(file);
  } catch (error) {
    throw new CliError(`Cannot read ${file} as a recording: ${(error as Error).message}`);
  }
  const document: InfoDocument = {
    messages: found.messages,
    start: found.start,
    end: found.end,
    channels: found.channels.map(({ topic, messages }) => ({ topic, messages })),
  };
  if (options.json === true) return void console.log(JSON.stringify(document, null, 2));
  const seconds = (document.end - document.start) / 1000;
  console.log(`${file}: ${document.messages} messages over ${seconds.toFixed(3)} s`);
  if (document.messages > 0) {
    console.log(
      `  from ${new Date(document.start).toISOString()} to ${new Date(document.end).toISOString()}`,
    );
  }
  for (const channel of document.channels) console.log(`  ${channel.topic}\t${channel.messages}`);
}
