// Test helper: how two synthetic data sets differ, file by file (bytes), with truth.json compared
// without what is not a function of the seed: the wall time (`seconds`, ion-switching's
// `figures.decodeSeconds`) and `fileBytes` (added by cli.ts; a generator-only build lacks it).
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { main } from './cli';

/** cli.ts main() with console.log captured: what a user would see, as one string. */
export async function runSynthCli(argv: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(String(l)));
  try {
    await main(argv);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out.sort();
}

function comparableTruth(file: string): string {
  const t = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> & { figures?: Record<string, unknown> };
  delete t.seconds;
  delete t.fileBytes;
  if (t.figures) delete t.figures.decodeSeconds;
  return JSON.stringify(t);
}

/** The differences between data sets `a` and `b` (empty when they are the same). */
export function sameFiles(a: string, b: string): string[] {
  const fa = listFiles(a);
  const fb = listFiles(b);
  const diffs: string[] = [];
  for (const f of fa) if (!fb.includes(f)) diffs.push(`only in ${a}: ${f}`);
  for (const f of fb) if (!fa.includes(f)) diffs.push(`only in ${b}: ${f}`);
  const md5 = (p: string): string => createHash('md5').update(fs.readFileSync(p)).digest('hex');
  for (const f of fa) {
    if (!fb.includes(f)) continue;
    const [pa, pb] = [path.join(a, f), path.join(b, f)];
    const same = f === 'truth.json' ? comparableTruth(pa) === comparableTruth(pb) : md5(pa) === md5(pb);
    if (!same) diffs.push(`differs: ${f}`);
  }
  return diffs;
}
