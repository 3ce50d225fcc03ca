// What a run was made from, cheaply: every data file's size, mtime and a hash of a sample of its
// bytes (head, middle, tail), the folders of per-recording files (HMS parquets) as one hash of
// their names, sizes and mtimes, and a hash of the code. A run or cache records this and resumes
// only when it still matches, so results made from other inputs are never reused.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DataError } from './errors';
import { readJson } from './json';

/** Bytes hashed at each of the head, middle and tail of a file. */
const SAMPLE_BYTES = 64 * 1024;

export interface FileFingerprint {
  size: number;
  mtimeMs: number;
  /** sha1 of the sampled bytes (files), or of the sorted `name:size:mtime` lines (folders). */
  hash: string;
  /** Files inside (folders only). */
  count?: number;
}

export interface DataFingerprint {
  /** Absolute path of the data folder when it was taken (informative; a moved folder still matches). */
  dir: string;
  /** 'real' (no truth.json: the user's Kaggle files) or 'synthetic' (our generator's). */
  kind: 'real' | 'synthetic';
  scale?: string;
  seed?: number;
  /** Top-level entries of the folder, by name (folders end with '/'). */
  files: Record<string, FileFingerprint>;
  /** One hash over all of the above, for log lines. */
  hash: string;
}

/** sha1 of the head, middle and tail SAMPLE_BYTES of a file (the whole file when small). */
export function sampleHash(file: string, size = fs.statSync(file).size): string {
  const h = createHash('sha1');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const starts = size <= 3 * SAMPLE_BYTES ? [0] : [0, Math.floor(size / 2) - SAMPLE_BYTES / 2, size - SAMPLE_BYTES];
    for (const start of starts) {
      const want = size <= 3 * SAMPLE_BYTES ? size : SAMPLE_BYTES;
      let done = 0;
      while (done < want) {
        const len = Math.min(buf.length, want - done);
        const n = fs.readSync(fd, buf, 0, len, start + done);
        if (n === 0) break;
        h.update(buf.subarray(0, n));
        done += n;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  h.update(`:${size}`);
  return h.digest('hex');
}

/** Names, sizes and mtimes of every file under a folder (HMS holds thousands of parquets: no content reads). */
function folderFingerprint(dir: string): FileFingerprint {
  const lines: string[] = [];
  let size = 0;
  let mtimeMs = 0;
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, `${rel}${e.name}/`);
      else if (e.isFile()) {
        const st = fs.statSync(p);
        lines.push(`${rel}${e.name}:${st.size}:${st.mtimeMs}`);
        size += st.size;
        mtimeMs = Math.max(mtimeMs, st.mtimeMs);
      }
    }
  };
  walk(dir, '');
  lines.sort();
  return { size, mtimeMs, count: lines.length, hash: createHash('sha1').update(lines.join('\n')).digest('hex') };
}

/** Scratch entries that are not inputs: our temp files and dot-files. */
const isScratch = (name: string) => name.startsWith('.') || name.includes('.partial-') || name.includes('.tmp-');

/**
 * Fingerprint a competition's data folder. For a synthetic set, also checks every file against the
 * sizes the generator recorded in truth.json (`fileBytes`), so a file cut short while copying, or
 * replaced by hand, is caught before anything is trained on it.
 */
export function fingerprintDataDir(dir: string): DataFingerprint {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    throw new DataError(abs, 'no data folder here; put the Kaggle files in it or generate the synthetic set (nx run <solution>:data)');
  }
  const files: Record<string, FileFingerprint> = {};
  for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (isScratch(e.name)) continue;
    const p = path.join(abs, e.name);
    if (e.isDirectory()) files[`${e.name}/`] = folderFingerprint(p);
    else if (e.isFile()) {
      const st = fs.statSync(p);
      files[e.name] = { size: st.size, mtimeMs: st.mtimeMs, hash: sampleHash(p, st.size) };
    }
  }
  const truthFile = path.join(abs, 'truth.json');
  let kind: DataFingerprint['kind'] = 'real';
  let scale: string | undefined;
  let seed: number | undefined;
  if (fs.existsSync(truthFile)) {
    kind = 'synthetic';
    const t = readJson<{ scale?: string; seed?: number; competition?: string; fileBytes?: Record<string, number> }>(truthFile);
    scale = t.scale;
    seed = t.seed;
    for (const [name, bytes] of Object.entries(t.fileBytes ?? {})) {
      const got = files[name];
      if (!got) {
        throw new DataError(path.join(abs, name), `missing: the synthetic set (${truthFile}) has it; regenerate with 'nx run <solution>:data --force'`);
      }
      if (got.size !== bytes) {
        throw new DataError(
          path.join(abs, name),
          `${name.endsWith('/') ? 'holds' : 'is'} ${got.size} bytes, but the generator wrote ${bytes}: it was cut short or changed after it was written; ` +
            `regenerate with 'nx run <solution>:data --force'${t.competition ? ` (solution for ${t.competition})` : ''}`,
        );
      }
    }
  }
  const hash = createHash('sha1')
    .update(Object.entries(files).map(([n, f]) => `${n}:${f.size}:${f.hash}`).join('\n'))
    .digest('hex');
  return { dir: abs, kind, scale, seed, files, hash };
}

/**
 * Sizes of a generated set's top-level entries as truth.json records them: files by name, folders
 * (named themselves or through a file inside, e.g. `truth/x.npy`) as `name/` with their total bytes.
 */
export function fileBytes(dir: string, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const top of new Set(names.map((n) => n.split('/')[0]))) {
    const p = path.join(dir, top);
    if (fs.statSync(p).isDirectory()) out[`${top}/`] = folderFingerprint(p).size;
    else out[top] = fs.statSync(p).size;
  }
  return out;
}

/** One line for logs: path, real or synthetic (scale, seed), size and the content fingerprint. */
export function describeDataSet(fp: DataFingerprint): string {
  const bytes = Object.values(fp.files).reduce((a, f) => a + f.size, 0);
  const n = Object.values(fp.files).reduce((a, f) => a + (f.count ?? 1), 0);
  const what = fp.kind === 'real' ? 'real Kaggle files' : `synthetic, scale ${fp.scale ?? '?'}, seed ${fp.seed ?? '?'}`;
  return `${fp.dir} (${what}; ${n} files, ${(bytes / 2 ** 20).toFixed(1)} MiB; fingerprint ${fp.hash.slice(0, 12)})`;
}

/** How two fingerprints of a data folder differ, one phrase per changed entry ('' when they match). */
export function dataChanges(before: DataFingerprint, now: DataFingerprint): string[] {
  const out: string[] = [];
  if (before.kind !== now.kind || before.scale !== now.scale || before.seed !== now.seed) {
    const d = (f: DataFingerprint) => (f.kind === 'real' ? 'real Kaggle files' : `synthetic scale ${f.scale} seed ${f.seed}`);
    out.push(`the data set was ${d(before)}, now ${d(now)}`);
  }
  for (const name of [...new Set([...Object.keys(before.files), ...Object.keys(now.files)])].sort()) {
    const a = before.files[name];
    const b = now.files[name];
    if (!a) out.push(`${name} is new`);
    else if (!b) out.push(`${name} is gone`);
    else if (a.size !== b.size) out.push(`${name} changed size (${a.size} -> ${b.size} bytes)`);
    else if (a.hash !== b.hash) out.push(`${name} changed content (same size, ${a.count !== undefined ? 'file dates or names' : 'sampled bytes'} differ)`);
  }
  return out;
}

/**
 * A hash of the code a run is made with: every non-test .ts file under `dirs` (the solution's src
 * and the libraries). Any change to them is a new code version.
 */
export function codeVersion(dirs: readonly string[]): string {
  const files: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== '__fixtures__') walk(p);
      } else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) files.push(p);
    }
  };
  dirs.forEach((d) => walk(path.resolve(d)));
  files.sort();
  const h = createHash('sha1');
  for (const f of files) h.update(`${path.relative(path.resolve(dirs[0], '..'), f)}\n`).update(fs.readFileSync(f));
  return h.digest('hex').slice(0, 16);
}
