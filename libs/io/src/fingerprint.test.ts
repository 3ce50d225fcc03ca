import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { codeVersion, dataChanges, describeDataSet, fileBytes, fingerprintDataDir } from './fingerprint';

describe('data fingerprints', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-fp-'));
    fs.writeFileSync(path.join(dir, 'train.csv'), 'a,b\n1,2\n');
    fs.mkdirSync(path.join(dir, 'train_eegs'));
    fs.writeFileSync(path.join(dir, 'train_eegs', '1.parquet'), 'PAR1xxxxPAR1');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names real files and a synthetic set with its scale and seed', () => {
    expect(fingerprintDataDir(dir).kind).toBe('real');
    expect(describeDataSet(fingerprintDataDir(dir))).toMatch(/real Kaggle files; 2 files/);
    fs.writeFileSync(path.join(dir, 'truth.json'), JSON.stringify({ scale: 'smoke', seed: 7, fileBytes: fileBytes(dir, ['train.csv', 'train_eegs/1.parquet']) }));
    const fp = fingerprintDataDir(dir);
    expect(fp).toMatchObject({ kind: 'synthetic', scale: 'smoke', seed: 7 });
    expect(describeDataSet(fp)).toMatch(/synthetic, scale smoke, seed 7; 3 files.*fingerprint [0-9a-f]{12}/);
  });

  it('sees a file replaced with the same size, a new file, and a folder changed', () => {
    const before = fingerprintDataDir(dir);
    expect(dataChanges(before, fingerprintDataDir(dir))).toEqual([]);
    fs.writeFileSync(path.join(dir, 'train.csv'), 'a,b\n1,3\n');
    fs.writeFileSync(path.join(dir, 'test.csv'), 'a\n1\n');
    fs.writeFileSync(path.join(dir, 'train_eegs', '2.parquet'), 'PAR1PAR1');
    expect(dataChanges(before, fingerprintDataDir(dir))).toEqual([
      'test.csv is new',
      'train.csv changed content (same size, sampled bytes differ)',
      'train_eegs/ changed size (12 -> 20 bytes)',
    ]);
  });

  it('samples head, middle and tail of a big file', () => {
    const big = Buffer.alloc(1_000_000, 1);
    fs.writeFileSync(path.join(dir, 'big.csv'), big);
    const before = fingerprintDataDir(dir);
    big[500_000] = 2; // the middle sample
    fs.writeFileSync(path.join(dir, 'big.csv'), big);
    expect(dataChanges(before, fingerprintDataDir(dir))).toEqual(['big.csv changed content (same size, sampled bytes differ)']);
  });

  it('a synthetic file cut short after it was written is an error naming it and the fix', () => {
    fs.writeFileSync(path.join(dir, 'truth.json'), JSON.stringify({ scale: 'smoke', seed: 7, fileBytes: fileBytes(dir, ['train.csv']) }));
    fs.writeFileSync(path.join(dir, 'train.csv'), 'a,b\n1,');
    expect(() => fingerprintDataDir(dir)).toThrow(/train\.csv: is 6 bytes, but the generator wrote 8: it was cut short.*--force/);
  });

  it('ignores temp files and folders of interrupted writers', () => {
    const before = fingerprintDataDir(dir);
    fs.writeFileSync(path.join(dir, '.train.csv.tmp-123-1'), 'x');
    expect(dataChanges(before, fingerprintDataDir(dir))).toEqual([]);
  });
});

describe('codeVersion', () => {
  it('changes when a source file changes, not when a test does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-code-'));
    try {
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(path.join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
      const v1 = codeVersion([path.join(dir, 'src')]);
      fs.writeFileSync(path.join(dir, 'src', 'a.test.ts'), 'test');
      expect(codeVersion([path.join(dir, 'src')])).toBe(v1);
      fs.writeFileSync(path.join(dir, 'src', 'a.ts'), 'export const a = 2;\n');
      expect(codeVersion([path.join(dir, 'src')])).not.toBe(v1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
