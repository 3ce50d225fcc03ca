// What the solutions' recipe-fidelity tests compare: a resolved config's leaf values, looked up
// by dotted path, against the rows of a markdown table in the solution's README.
import * as fs from 'fs';

/** `a.b[0][1]` of a config -> its value (undefined when the path does not exist). */
export function configValue(obj: unknown, key: string): unknown {
  let v: unknown = obj;
  for (const part of key.match(/[^.[\]]+/g) ?? []) {
    if (v === null || typeof v !== 'object' || !(part in (v as object))) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Leaf paths of a config and their values (arrays are leaves). */
export function configLeaves(obj: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [kk, vv] of configLeaves(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

/**
 * Rows (trimmed cells) of the first markdown table after the first line of `file` that starts
 * with `heading`; cells split at `separator` (' | ' keeps a `|` inside a cell's code).
 */
export function readmeTable(file: string, heading: string, separator = '|'): string[][] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`README.md has no heading '${heading}'`);
  let i = start + 1;
  while (i < lines.length && !lines[i].startsWith('|')) i++;
  const rows: string[][] = [];
  for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].slice(1, -1).split(separator).map((c) => c.trim()));
  return rows;
}
