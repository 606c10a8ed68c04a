import { CommanderError } from "commander";
import pc from "picocolors";
import { CliError } from "./errors.js";
import { createProgram } from "./program.js";

/**
 * Runs the `sunflare` command line (`argv` as `process.argv` gives it) and
 * resolves with the exit code: 0, 1 on an error (its message says what to
 * do), 130 when interrupted, commander's code for a usage error.
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      console.error(pc.red(error.message));
      return error.exitCode;
    }
    console.error(pc.red(`sunflare: ${error instanceof Error ? error.message : String(error)}`));
    return 1;
  }
}
