import { performance } from "node:perf_hooks";
import type { CommandContext } from "../session.js";
import { follow } from "../follow.js";
import { parseSource } from "../names.js";

/** Options of `sunflare hz`. */
export interface HzOptions {
  /** Seconds per measurement (default 1). */
  readonly window?: number;
  /** Stop after this many measurements (default: until Ctrl-C). */
  readonly count?: number;
  /** One JSON object per measurement: `{ topic, hz, messages, seconds }`. */
  readonly json?: boolean;
  /** Read the name as a data topic even if it looks like `Owner.signal`. */
  readonly topic?: boolean;
}

/**
 * `sunflare hz`: the rate of a topic or signal, once per window. The first
 * window starts at the first message, so joining does not count as silence.
 */
export async function hz(context: CommandContext, name: string, options: HzOptions): Promise<void> {
  const windowMs = (options.window ?? 1) * 1000;
  let started: number | undefined;
  let messages = 0;
  let reported = 0;
  let timer: NodeJS.Timeout | undefined;
  let enough: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (enough = resolve));
  const report = (topic: string): void => {
    const now = performance.now();
    const seconds = (now - started!) / 1000;
    const rate = messages / seconds;
    if (options.json === true) console.log(JSON.stringify({ topic, hz: rate, messages, seconds }));
    else console.log(`${topic}: ${rate.toFixed(2)} Hz (${messages} in ${seconds.toFixed(2)} s)`);
    started = now;
    messages = 0;
    reported += 1;
    if (reported === options.count) enough();
    // The next window is timed from now, whatever the timer's lateness was.
    else timer = setTimeout(() => report(topic), windowMs);
  };
  await follow(
    context,
    parseSource(name, options.topic),
    (message) => {
      if (started === undefined) {
        // The window opens on the first message, which is not counted: it marks time zero.
        started = performance.now();
        timer = setTimeout(() => report(message.topic), windowMs);
        return;
      }
      messages += 1;
    },
    done,
  );
  clearTimeout(timer);
}
