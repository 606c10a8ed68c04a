/**
 * An error the command reports as it is, with what to do, and the exit code
 * it ends with (1 unless said otherwise).
 */
export class CliError extends Error {
  /** The process exit code. */
  readonly exitCode: number;

  /**
   * @param message what went wrong and what to do
   * @param exitCode the process exit code (default 1)
   */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
