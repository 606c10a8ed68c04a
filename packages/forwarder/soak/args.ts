/**
 * Reads a numeric setting of a soak script: `--name value` on the command
 * line, else the environment variable `SOAK_NAME`, else `fallback`.
 */
export function numberArg(name: string, fallback: number): number {
  const argv = process.argv;
  const index = argv.indexOf(`--${name}`);
  const raw =
    index >= 0 ? argv[index + 1] : process.env[`SOAK_${name.toUpperCase().replace(/-/g, "_")}`];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new TypeError(`--${name} must be a number, got ${raw}`);
  return value;
}

/** Reads a string setting the same way as {@link numberArg}. */
export function stringArg(name: string, fallback: string): string {
  const argv = process.argv;
  const index = argv.indexOf(`--${name}`);
  return (
    (index >= 0 ? argv[index + 1] : process.env[`SOAK_${name.toUpperCase().replace(/-/g, "_")}`]) ??
    fallback
  );
}

/** Megabytes with one decimal. */
export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
