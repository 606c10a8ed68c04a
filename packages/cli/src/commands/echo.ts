import type { CommandContext } from "../session.js";
import { follow } from "../follow.js";
import { toJson } from "../format.js";
import { parseSource } from "../names.js";

/** Options of `sunflare echo`. */
export interface EchoOptions {
  /** Stop after this many messages. */
  readonly count?: number;
  /** One JSON object per line: `{ topic, value }` (a signal's value is its arguments). */
  readonly json?: boolean;
  /** Read the name as a data topic even if it looks like `Owner.signal`. */
  readonly topic?: boolean;
}

/** `sunflare echo`: prints every message of a topic or signal (NDArrays summarised). */
export async function echo(
  context: CommandContext,
  name: string,
  options: EchoOptions,
): Promise<void> {
  let seen = 0;
  let enough: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (enough = resolve));
  if (options.count === 0) enough();
  await follow(
    context,
    parseSource(name, options.topic),
    (message) => {
      if (options.count !== undefined && seen >= options.count) return;
      seen += 1;
      if (options.json === true) console.log(toJson(message));
      else console.log(`${message.topic} ${toJson(message.value)}`);
      if (seen === options.count) enough();
    },
    done,
  );
}
