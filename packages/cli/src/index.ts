// The `sunflare` command, for programs that embed or test it.
export { main } from "./main.js";
export { createProgram } from "./program.js";
export { CliError } from "./errors.js";
export { resolveTarget } from "./target.js";
export type { TargetOptions } from "./target.js";
export type { InfoDocument } from "./commands/recording.js";
export type { ArraySummary } from "./format.js";
export { printable, toJson } from "./format.js";
