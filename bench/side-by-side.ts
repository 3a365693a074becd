/**
 * The table `npm run bench:vs-metallb` prints: one row per measurement, MetalLB's figure, BareLB's,
 * and which is ahead by how much (pure; table-tested).
 */

/** One measured row; every compared figure is better lower (times, memory, writes, CPU). */
export interface Row {
  readonly name: string;
  readonly metallb: string;
  readonly barelb: string;
  /** The figures the ratio compares (the cells may say more, e.g. p50 / p95); absent: no ratio. */
  readonly compare?: { readonly metallb: number; readonly barelb: number; readonly unit: 'time' | 'amount' };
}

/**
 * Who is ahead and by how much: "BareLB 10.2× faster", "BareLB 1.4× more", "even" (within 5 %).
 * A zero on one side cannot be a ratio: "MetalLB 0" says so.
 */
export function ratioText(metallb: number, barelb: number, unit: 'time' | 'amount'): string {
  if (!Number.isFinite(metallb) || !Number.isFinite(barelb)) return 'not measured';
  if (metallb === barelb) return 'even';
  if (metallb === 0 || barelb === 0) return metallb === 0 ? 'MetalLB 0' : 'BareLB 0';
  const r = metallb / barelb;
  if (Math.abs(r - 1) < 0.05) return 'even';
  const [better, worse] = unit === 'time' ? ['faster', 'slower'] : ['less', 'more'];
  return r > 1 ? `BareLB ${r.toFixed(1)}× ${better}` : `BareLB ${(1 / r).toFixed(1)}× ${worse}`;
}

/** The rows as an aligned text table with a header. */
export function comparisonTable(rows: readonly Row[]): string[] {
  const cells = rows.map((r) => [
    r.name,
    r.metallb,
    r.barelb,
    r.compare ? ratioText(r.compare.metallb, r.compare.barelb, r.compare.unit) : '',
  ]);
  const all = [['', 'MetalLB', 'BareLB', ''], ...cells];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join(' | ')
      .trimEnd(),
  );
}
