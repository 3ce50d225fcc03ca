/**
 * Minimal SVG charts for run folders: learning curves, LR schedules and
 * confusion matrices. SVG needs no native dependency and opens in any browser
 * (and renders inline on GitHub), which is what a person looking at a run wants.
 */
import { writeFileAtomic } from './atomic';

export interface Series {
  name: string;
  /** x values; defaults to 1..n (epochs). */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface LineChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  /** @default 640 */
  width?: number;
  /** @default 400 */
  height?: number;
  /** Log-scale y axis (for learning rates). @default false */
  logY?: boolean;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

/** Five "nice" ticks spanning [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  if (lo === hi) return [lo];
  const raw = (hi - lo) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A line chart as an SVG document. Non-finite points are skipped. */
export function lineChartSvg(series: Series[], options: LineChartOptions): string {
  const W = options.width ?? 640;
  const H = options.height ?? 400;
  const m = { l: 70, r: 150, t: 36, b: 48 };
  const tr = (v: number) => (options.logY ? Math.log10(v) : v);
  const pts = series.map((s) =>
    Array.from(s.y, (y, i) => [s.x ? s.x[i] : i + 1, y] as [number, number]).filter(
      ([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!options.logY || y > 0),
    ),
  );
  const all = pts.flat();
  if (all.length === 0) throw new RangeError(`lineChartSvg: '${options.title}' has no finite points to plot`);
  let [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...all.map((p) => tr(p[1]))), Math.max(...all.map((p) => tr(p[1])))];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((tr(y) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - m.r / 2}" y="20" text-anchor="middle" font-size="14">${esc(options.title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
  ];
  for (const t of ticks(x0, x1)) {
    parts.push(`<text x="${sx(t)}" y="${H - m.b + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    const y = H - m.b - ((t - y0) / (y1 - y0)) * (H - m.t - m.b);
    parts.push(`<line x1="${m.l}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${fmt(options.logY ? 10 ** t : t)}</text>`);
  }
  if (options.xLabel) parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  if (options.yLabel) {
    parts.push(`<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}</text>`);
  }
  pts.forEach((p, i) => {
    const c = COLORS[i % COLORS.length];
    if (p.length > 1) parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${p.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
    if (p.length <= 50) for (const [x, y] of p) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${c}"/>`);
    const ly = m.t + 10 + i * 18;
    parts.push(`<line x1="${W - m.r + 12}" y1="${ly}" x2="${W - m.r + 32}" y2="${ly}" stroke="${c}" stroke-width="2"/>`);
    parts.push(`<text x="${W - m.r + 38}" y="${ly + 4}">${esc(series[i].name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export interface HeatmapOptions {
  title: string;
  rowLabels: string[];
  colLabels: string[];
  xLabel?: string;
  yLabel?: string;
  /** Normalise each row to sum 1 before colouring (confusion matrices). @default true */
  normalizeRows?: boolean;
}

/** A heatmap (e.g. a confusion matrix: rows = true, columns = predicted) with counts in the cells. */
export function heatmapSvg(values: ArrayLike<number>, options: HeatmapOptions): string {
  const R = options.rowLabels.length;
  const C = options.colLabels.length;
  if (values.length !== R * C) {
    throw new RangeError(`heatmapSvg: expected ${R} x ${C} = ${R * C} values, received ${values.length}`);
  }
  const cell = Math.max(24, Math.min(56, Math.floor(560 / Math.max(R, C))));
  const m = { l: 90, t: 50, r: 20, b: 60 };
  const W = m.l + C * cell + m.r;
  const H = m.t + R * cell + m.b;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(options.title)}</text>`,
  ];
  for (let r = 0; r < R; r++) {
    let rowSum = 0;
    for (let c = 0; c < C; c++) rowSum += values[r * C + c];
    const rowMax = Math.max(...Array.from({ length: C }, (_, c) => values[r * C + c]));
    for (let c = 0; c < C; c++) {
      const v = values[r * C + c];
      const f = options.normalizeRows === false ? (rowMax > 0 ? v / rowMax : 0) : rowSum > 0 ? v / rowSum : 0;
      const shade = Math.round(255 - f * 200);
      const x = m.l + c * cell;
      const y = m.t + r * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#ccc"/>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${f > 0.6 ? 'white' : 'black'}">${fmt(v)}</text>`);
    }
    parts.push(`<text x="${m.l - 6}" y="${m.t + r * cell + cell / 2 + 4}" text-anchor="end">${esc(options.rowLabels[r])}</text>`);
  }
  options.colLabels.forEach((l, c) => {
    parts.push(`<text x="${m.l + c * cell + cell / 2}" y="${m.t + R * cell + 14}" text-anchor="middle">${esc(l)}</text>`);
  });
  if (options.xLabel) parts.push(`<text x="${m.l + (C * cell) / 2}" y="${H - 14}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  if (options.yLabel) parts.push(`<text transform="translate(16 ${m.t + (R * cell) / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Write an SVG document atomically. */
export function writeSvg(file: string, svg: string): void {
  writeFileAtomic(file, svg);
}
