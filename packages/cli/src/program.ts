import { Command, InvalidArgumentError, Option } from "commander";
import { call, emit, get, set } from "./commands/control.js";
import { echo } from "./commands/echo.js";
import { hz } from "./commands/hz.js";
import { members, signals, wiring } from "./commands/inspect.js";
import { ls } from "./commands/ls.js";
import { info, play, record } from "./commands/recording.js";
import type { CommandContext } from "./session.js";
import { withBus } from "./session.js";
import type { TargetOptions } from "./target.js";

const DEFAULT_BUS =
  "With neither --bus nor --address, the one named bus running is used (an error lists them if several are).";

function positive(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError("Expected a number ≥ 0.");
  return value;
}

function integer(text: string): number {
  const value = positive(text);
  if (!Number.isInteger(value)) throw new InvalidArgumentError("Expected a whole number.");
  return value;
}

/** A subcommand that joins a bus: `--bus`/`--address`, then `run` with the joined bus. */
function busCommand<O extends object>(
  program: Command,
  spec: string,
  description: string,
  run: (context: CommandContext, args: string[], options: O) => Promise<void>,
): Command {
  return program
    .command(spec)
    .description(description)
    .option("-b, --bus <name>", "the named bus to join (see: sunflare ls)")
    .option("-a, --address <file>", "a JSON file with a bus address (JSON.stringify(bus.address))")
    .addHelpText("after", `\n${DEFAULT_BUS}`)
    .action(async (...received: unknown[]) => {
      // commander passes the arguments, then the options, then the command.
      const command = received.at(-1) as Command;
      const options = command.opts<O & TargetOptions>();
      const args = command.processedArgs.flat() as string[];
      await withBus(options, (context) => run(context, args, options));
    });
}

function listing(
  program: Command,
  name: string,
  description: string,
  run: typeof members,
): Command {
  return busCommand<{ json?: boolean; settle?: number }>(
    program,
    name,
    description,
    (context, _, options) => run(context, options),
  )
    .option("--json", "print one JSON document")
    .option(
      "--settle <ms>",
      "milliseconds to listen for every member first (default: one heartbeat)",
      integer,
    );
}

/** The `sunflare` command, ready for `parseAsync`. */
export function createProgram(): Command {
  const program = new Command("sunflare")
    .description("List, inspect, watch, call, record and replay Sunflare buses.")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  program
    .command("ls")
    .description("named buses running on this machine (for this user)")
    .option("--json", "print one JSON document")
    .action((options: { json?: boolean }) => ls(options));

  listing(program, "members", "the bus's members and the owners each registered", members);
  listing(
    program,
    "signals",
    "every owner's signals, slots and properties (with their values)",
    signals,
  );
  listing(
    program,
    "wiring",
    "every signal and the connections known to reach it",
    (context, options) => wiring(context, options),
  ).option("--unconnected", "only signals with no known connection");

  busCommand<{ count?: number; json?: boolean; topic?: boolean }>(
    program,
    "echo <source>",
    "print every message of a data TOPIC or a signal Owner.signal (NDArrays summarised)",
    (context, [source], options) => echo(context, source!, options),
  )
    .option("-n, --count <n>", "stop after N messages", integer)
    .option("--json", "one JSON object per line: { topic, value }")
    .option("--topic", "read SOURCE as a data topic even if it looks like Owner.signal");

  busCommand<{ window?: number; count?: number; json?: boolean; topic?: boolean }>(
    program,
    "hz <source>",
    "the rate of a data TOPIC or a signal Owner.signal, once per window",
    (context, [source], options) => hz(context, source!, options),
  )
    .option("-w, --window <s>", "seconds per measurement", positive, 1)
    .option("-n, --count <n>", "stop after N measurements", integer)
    .option("--json", "one JSON object per measurement: { topic, hz, messages, seconds }")
    .option("--topic", "read SOURCE as a data topic even if it looks like Owner.signal");

  busCommand(
    program,
    "emit <signal> [args...]",
    "emit Owner.signal with JSON arguments",
    (context, [name, ...args]) => emit(context, name!, args),
  );

  busCommand<{ timeout?: number }>(
    program,
    "call <slot> [args...]",
    "call Owner.slot with JSON arguments; prints the result (progress on stderr)",
    (context, [name, ...args], options) => call(context, name!, args, options),
  ).option("-t, --timeout <ms>", "milliseconds before the call fails", integer, 30_000);

  busCommand(
    program,
    "get <property>",
    "print the value of Owner.property as JSON",
    (context, [name]) => get(context, name!),
  );

  busCommand(
    program,
    "set <property> <value>",
    "set Owner.property to a JSON value",
    (context, [name, value]) => set(context, name!, value!),
  );

  busCommand<{ output: string; duration?: number }>(
    program,
    "record [sources...]",
    "record data TOPICs and signals Owner.signal (default: all) to an MCAP file",
    (context, sources, options) => record(context, sources, options),
  )
    .requiredOption("-o, --output <file>", "the MCAP file to write")
    .option("-d, --duration <s>", "seconds to record (default: until Ctrl-C)", positive);

  busCommand<{ rate?: number; loop?: boolean }>(
    program,
    "play <file>",
    "replay an MCAP recording into the bus (its signals by stand-in owners)",
    (context, [file], options) => play(context, file!, options),
  )
    .addOption(
      new Option(
        "-r, --rate <x>",
        "speed against the recorded pace (0: as fast as possible)",
      ).argParser(positive),
    )
    .option("--loop", "start over at the end, until Ctrl-C");

  program
    .command("info <file>")
    .description("what an MCAP recording holds")
    .option("--json", "print { messages, start, end, channels: [{ topic, messages }] }")
    .action((file: string, options: { json?: boolean }) => info(file, options));

  return program;
}
