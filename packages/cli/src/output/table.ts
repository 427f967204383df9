/** Plain aligned columns: readable in a terminal, greppable in a pipe. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** `label: value` lines for one resource, labels aligned. */
export function renderRecord(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${(k + ':').padEnd(width)} ${v}`).join('\n') + '\n';
}

/** Dates as `2026-11-26 11:31` (UTC): short enough for a table column. */
export function shortDate(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.slice(0, 16).replace('T', ' ');
}
