import cliProgress from "cli-progress";
import pc from "picocolors";
import { toJson } from "./format.js";

/**
 * Long work's progress on stderr: a bar on a terminal, plain lines
 * otherwise (a pipe, a log, a test), so stdout keeps only results.
 */
export interface Progress {
  /** Shows `value`: a number in 0…1 fills the bar; anything else is printed as JSON. */
  update(value: unknown, detail?: string): void;
  /** Removes the bar (on a terminal); idempotent. */
  stop(): void;
}

/** A {@link Progress} for `label`, a bar when stderr is a terminal. */
export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY !== true) {
    return {
      update: (value, detail) =>
        stream.write(`${label}: ${text(value)}${detail === undefined ? "" : ` ${detail}`}\n`),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${pc.cyan(label)} {bar} {percentage}% {detail}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(value, detail) {
      if (stopped) return;
      const fraction = typeof value === "number" && value >= 0 && value <= 1 ? value : undefined;
      const shown = detail ?? (fraction === undefined ? text(value) : "");
      if (!started) {
        bar.start(100, 0, { detail: shown });
        started = true;
      }
      if (fraction === undefined) bar.update({ detail: shown });
      else bar.update(Math.round(fraction * 100), { detail: shown });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (started) bar.stop();
    },
  };
}

/** A status line as it is; any other value as JSON. */
function text(value: unknown): string {
  return typeof value === "string" ? value : toJson(value);
}
