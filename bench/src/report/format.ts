import type { BenchRow } from "../case.js";

/** A figure with a precision that suits its size, thousands separated. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** The table's columns for one row. */
export function cells(row: BenchRow): string[] {
  return [
    row.case,
    row.subject,
    `${formatValue(row.value)} ${row.unit}`,
    row.detail ?? "",
    row.ratio === undefined ? "" : `${row.ratio.value.toFixed(2)}x ${row.ratio.to}`,
    row.target === undefined ? "" : `${row.target.text} ${row.target.met ? "met" : "MISSED"}`,
  ];
}

const headers = ["case", "subject", "value", "detail", "ratio to baseline", "target"];
const rightAligned = new Set([2]);

/** A plain-text table for the terminal. */
export function textTable(rows: readonly BenchRow[]): string {
  const table = [headers, ...rows.map(cells)];
  const widths = headers.map((_, column) =>
    Math.max(...table.map((line) => (line[column] ?? "").length)),
  );
  const render = (line: readonly string[]): string =>
    line
      .map((cell, column) =>
        rightAligned.has(column)
          ? cell.padStart(widths[column] ?? 0)
          : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const lines = [render(headers), rule];
  let previous: string | undefined;
  for (const row of rows) {
    // A blank line between cases keeps each case's baselines together.
    if (previous !== undefined && previous !== row.case) lines.push("");
    previous = row.case;
    lines.push(render(cells(row)));
  }
  return lines.join("\n");
}

/** A Markdown table for RESULTS.md, padded the way Prettier formats tables. */
export function markdownTable(rows: readonly BenchRow[]): string {
  const escape = (cell: string): string => cell.replaceAll("|", "\\|");
  const table = [headers, ...rows.map((row) => cells(row).map(escape))];
  const widths = headers.map((_, column) =>
    Math.max(3, ...table.map((line) => (line[column] ?? "").length)),
  );
  const render = (line: readonly string[]): string =>
    `| ${line
      .map((cell, column) =>
        rightAligned.has(column)
          ? cell.padStart(widths[column] ?? 0)
          : cell.padEnd(widths[column] ?? 0),
      )
      .join(" | ")} |`;
  const rule = `| ${widths
    .map((width, column) =>
      rightAligned.has(column) ? `${"-".repeat(width - 1)}:` : "-".repeat(width),
    )
    .join(" | ")} |`;
  return [render(headers), rule, ...table.slice(1).map(render)].join("\n");
}
