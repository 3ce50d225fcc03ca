import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataError } from './errors';
import { loadNpy } from './npy';
import { NpyShardReader, NpyShardWriter, openNpyShardsCache, removeSingleFileCaches } from './npyShards';

/** Row r of shape [3, 2]: distinct values per row and position. */
const rowOf = (r: number) => Float32Array.from({ length: 6 }, (_, j) => r * 10 + j + 0.25);

function build(dir: string, rows: number, maxShardBytes = 3 * 24 + 10): void {
  const w = new NpyShardWriter(dir, { rowShape: [3, 2], key: 'k1', maxShardBytes });
  for (let r = 0; r < rows; r++) w.append(rowOf(r));
  w.finish();
}

describe('npy shards', () => {
  let dir: string;
  beforeEach(() => (dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'io-shards-')), 'store')));
  afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('round-trips rows across several shards, each a valid .npy of at most maxShardBytes of data', () => {
    build(dir, 10); // 24-byte rows, 82-byte shards: 3 rows each -> 4 shards (3, 3, 3, 1)
    expect(fs.readdirSync(dir).sort()).toEqual(['index.json', 'shard-00000.npy', 'shard-00001.npy', 'shard-00002.npy', 'shard-00003.npy']);
    const s2 = loadNpy(path.join(dir, 'shard-00002.npy'));
    expect(s2.shape).toEqual([3, 3, 2]);
    expect(Array.from(s2.data)).toEqual([...rowOf(6), ...rowOf(7), ...rowOf(8)]);
    expect(loadNpy(path.join(dir, 'shard-00003.npy')).shape).toEqual([1, 3, 2]);
    const r = NpyShardReader.open(dir, { key: 'k1', rowShape: [3, 2], rows: 10 });
    expect(r.rows).toBe(10);
    for (let i = 0; i < 10; i++) expect(Array.from(r.row(i))).toEqual(Array.from(rowOf(i)));
    expect(Array.from(r.rowsAt([9, 0, 4]))).toEqual([...rowOf(9), ...rowOf(0), ...rowOf(4)]);
    expect(() => r.row(10)).toThrow(/outside 0\.\.9/);
    r.close();
  });

  it('writes the index last: a build stopped before finish is not a store', () => {
    const w = new NpyShardWriter(dir, { rowShape: [3, 2], key: 'k1', maxShardBytes: 48 });
    for (let r = 0; r < 5; r++) w.append(rowOf(r));
    expect(fs.readdirSync(dir).sort()).toEqual(['shard-00000.npy', 'shard-00001.npy']); // 2 full shards, no index
    expect(() => NpyShardReader.open(dir)).toThrow(/incomplete: no index\.json/);
    const lines: string[] = [];
    expect(openNpyShardsCache(dir, { key: 'k1', rowShape: [3, 2], rows: 5 }, (l) => lines.push(l))).toBeUndefined();
    expect(lines).toEqual([`cache ${dir} is damaged (index.json: incomplete: no index.json (the build was interrupted)); rebuilding`]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('a new writer removes an earlier store, index first', () => {
    build(dir, 10);
    const w = new NpyShardWriter(dir, { rowShape: [3, 2], key: 'k2' });
    expect(fs.readdirSync(dir)).toEqual([]);
    w.append(rowOf(1));
    w.finish();
    expect(NpyShardReader.open(dir, { key: 'k2' }).rows).toBe(1);
  });

  it('detects a truncated, missing or mislabelled shard and a stale key; the cache opener logs and removes the store', () => {
    const cases: Array<[string, () => void, RegExp]> = [
      ['truncated', () => fs.truncateSync(path.join(dir, 'shard-00001.npy'), 128 + 36), /shard-00001\.npy: truncated: shape \[3,3,2\] needs 72 bytes, file has 36/],
      ['missing', () => fs.rmSync(path.join(dir, 'shard-00003.npy')), /shard-00003\.npy: missing/],
      ['cut in the header', () => fs.truncateSync(path.join(dir, 'shard-00000.npy'), 30), /shard-00000\.npy: truncated: its header is \d+ bytes/],
      ['longer', () => fs.appendFileSync(path.join(dir, 'shard-00002.npy'), Buffer.alloc(4)), /shard-00002\.npy: 4 bytes more than shape/],
      ['bad index', () => fs.writeFileSync(path.join(dir, 'index.json'), '{"format": "npy-sh'), /index\.json: unreadable index/],
    ];
    for (const [what, damage, reason] of cases) {
      build(dir, 10);
      damage();
      const lines: string[] = [];
      expect({ what, r: openNpyShardsCache(dir, { key: 'k1', rowShape: [3, 2], rows: 10 }, (l) => lines.push(l)) }).toEqual({ what, r: undefined });
      expect({ what, lines }).toEqual({ what, lines: [expect.stringMatching(new RegExp(`^cache ${dir} is damaged \\(.*${reason.source}.*\\); rebuilding$`))] });
      expect(fs.existsSync(dir)).toBe(false);
    }
    build(dir, 10);
    expect(() => NpyShardReader.open(dir, { key: 'other' })).toThrow(DataError);
    const lines: string[] = [];
    expect(openNpyShardsCache(dir, { key: 'k1', rowShape: [3, 2], rows: 11 }, (l) => lines.push(l))).toBeUndefined();
    expect(lines[0]).toMatch(/holds 10 rows, expected 11/);
    expect(openNpyShardsCache(path.join(dir, 'nothing'), { key: 'k1', rowShape: [3, 2], rows: 10 }, () => {})).toBeUndefined();
  });

  it('reads a row from its shard only, opening a shard at its first row read', () => {
    build(dir, 10);
    const r = NpyShardReader.open(dir);
    // Other shards gone after opening: a row of shard 1 still reads, so nothing else is touched.
    for (const k of [0, 2, 3]) fs.rmSync(path.join(dir, `shard-0000${k}.npy`));
    try {
      expect(Array.from(r.row(4))).toEqual(Array.from(rowOf(4)));
      expect(Array.from(r.row(5))).toEqual(Array.from(rowOf(5)));
      expect(Array.from(r.rowsAt([3, 5]))).toEqual([...rowOf(3), ...rowOf(5)]);
      // A shard is opened when one of its rows is first read, not before.
      expect(() => r.row(0)).toThrow(/ENOENT/);
    } finally {
      r.close();
    }
  });

  it('rejects a row larger than a shard and rows of the wrong length', () => {
    expect(() => new NpyShardWriter(dir, { rowShape: [3, 2], key: 'k', maxShardBytes: 20 })).toThrow(/24 bytes, more than maxShardBytes 20/);
    const w = new NpyShardWriter(dir, { rowShape: [3, 2], key: 'k' });
    expect(() => w.append(new Float32Array(5))).toThrow(/5 values, expected 6/);
  });
});

describe('removeSingleFileCaches', () => {
  it('removes the single-file .npy caches of older code, logging each, and keeps the stores', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'old-caches-'));
    fs.writeFileSync(path.join(d, 'eegs-train-300x10000-abc.npy'), Buffer.alloc(2 ** 20));
    const w = new NpyShardWriter(path.join(d, 'eegs-train-300x10000-def'), { rowShape: [2], key: 'k' });
    w.append(Float32Array.of(1, 2));
    w.finish();
    const lines: string[] = [];
    removeSingleFileCaches(d, (l) => lines.push(l));
    expect(fs.readdirSync(d)).toEqual(['eegs-train-300x10000-def']);
    expect(lines).toEqual([`removed ${path.join(d, 'eegs-train-300x10000-abc.npy')} (1.0 MiB): a single-file cache of older code, never read now (caches are sharded stores)`]);
    removeSingleFileCaches(path.join(d, 'absent'), (l) => lines.push(l));
    expect(lines).toHaveLength(1);
    fs.rmSync(d, { recursive: true, force: true });
  });
});
