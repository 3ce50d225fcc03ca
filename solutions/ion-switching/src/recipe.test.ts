// The README's Recipe table and its `default` against `kaggle` table, held to the configs as the CLI
// resolves them (loadSolutionConfig + validateConfig): a value changed in a config and not in the
// table (or the other way round), a config key missing from the Recipe table, or a default/kaggle
// difference missing from the second table fails here.
import * as fs from 'fs';
import * as path from 'path';
import { loadSolutionConfig, parseCliArgs } from '@repro/io';
import { validateConfig, type IonSwitchingConfig } from './config';
import { resolveWidths } from './model';
import { epochLrs } from './train';

const dir = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');

/** The config as `cli.ts train --config <name>` sees it, with the members' widths resolved (missing keys = the seed's). */
function resolved(name: string): Record<string, unknown> {
  const args = parseCliArgs(['train', '--config', name]);
  const { config } = loadSolutionConfig<IonSwitchingConfig>(dir, args, args.overrides as Record<string, string>, validateConfig);
  const members = Object.fromEntries(Object.entries(config.members).map(([k, m]) => [k, { ...m, widths: resolveWidths(m.widths) }]));
  return { ...config, members };
}

/** Leaves of a config by dotted path (arrays are values). */
function leaves(o: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) for (const [p, x] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, x);
  } else out.set(prefix, o);
  return out;
}

/** Rows (cells) of the first table after `heading` in the README. */
function table(heading: string): string[][] {
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no '${heading}' heading`);
  const lines = readme.slice(at + heading.length + 2).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows;
}

/** The JSON in a cell's first `code` span (undefined when the cell has none). */
function codeValue(cell: string): unknown {
  const m = /`([^`]+)`/.exec(cell);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]);
  } catch {
    throw new Error(`not JSON: ${m[1]}`);
  }
}

const configKey = (cell: string): string | undefined => /^`([A-Za-z][\w.]*)`$/.exec(cell)?.[1];

describe('README Recipe table against the resolved kaggle config', () => {
  const kaggle = leaves(resolved('kaggle'));
  const rows = table('## Recipe');

  it('has one row per write-up item, with the columns item | write-up | key | kaggle | source', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
    for (const r of rows) expect([r[1], r.length]).toEqual([r[1], 6]);
  });

  it('every kaggle value in the table is the config value of its key', () => {
    const checked: string[] = [];
    for (const r of rows) {
      const key = configKey(r[3]);
      if (!key) {
        expect([r[1], r[3]]).toEqual([r[1], '—']); // no config key: the cell says so
        continue;
      }
      expect([key, kaggle.has(key)]).toEqual([key, true]);
      expect([key, codeValue(r[4])]).toEqual([key, kaggle.get(key)]);
      checked.push(key);
    }
    expect(new Set(checked).size).toBe(checked.length); // one row per key
  });

  it('every kaggle config value has its row (the data folder and the unused width variants aside)', () => {
    const inTable = new Set(rows.map((r) => configKey(r[3])).filter(Boolean));
    const expected = [...kaggle.keys()].filter((k) => k !== 'data.dir' && !(k.startsWith('members.') && !k.startsWith('members.cgtw.')));
    expect(expected.filter((k) => !inTable.has(k))).toEqual([]);
  });

  it('extras (rows marked so) are off in kaggle', () => {
    const extras = rows.filter((r) => /\*\*extra\*\*/.test(r[1]));
    expect(extras.length).toBeGreaterThanOrEqual(5);
    for (const r of extras) {
      const key = configKey(r[3]);
      if (!key) continue;
      const v = kaggle.get(key);
      expect([key, v === false || v === 'none' || v === 0]).toEqual([key, true]);
    }
  });

  it("kaggle's schedule is the public kernel's lr_schedule at 110 epochs", () => {
    const c = resolved('kaggle') as unknown as IonSwitchingConfig;
    const LR = 0.0015;
    const kernel = (e: number) => (e < 30 ? LR : e < 40 ? LR / 3 : e < 50 ? LR / 5 : e < 60 ? LR / 7 : e < 70 ? LR / 9 : e < 80 ? LR / 11 : e < 90 ? LR / 13 : LR / 100);
    expect(epochLrs(c.train)).toEqual(Array.from({ length: 110 }, (_, e) => kernel(e)));
  });
});

describe("README table of default's differences from kaggle", () => {
  const kaggle = leaves(resolved('kaggle'));
  const def = leaves(resolved('default'));
  const rows = table('### `default` against `kaggle`');

  it('lists exactly the keys where they differ, with both values and a reason', () => {
    const differing = [...kaggle.keys()].filter((k) => !k.startsWith('members.') || k.startsWith('members.cgtw.')).filter((k) => k !== 'data.dir' && JSON.stringify(kaggle.get(k)) !== JSON.stringify(def.get(k)));
    const listed = rows.map((r) => configKey(r[0]));
    expect([...listed].sort()).toEqual([...differing].sort());
    for (const r of rows) {
      const key = configKey(r[0])!;
      expect([key, codeValue(r[1]), codeValue(r[2])]).toEqual([key, kaggle.get(key), def.get(key)]);
      expect([key, r[3].length > 10]).toEqual([key, true]);
    }
  });
});
