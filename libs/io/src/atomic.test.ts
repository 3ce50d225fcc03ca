import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tempPathFor, withAtomicPath, writeFileAtomic } from './atomic';
import { readJson, writeJson } from './json';

describe('atomic writes', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-atomic-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a file (creating parent folders) and leaves only that file', () => {
    const f = path.join(dir, 'sub', 'a.txt');
    writeFileAtomic(f, 'hello');
    writeFileAtomic(f, new Uint8Array([104, 105]));
    expect(fs.readFileSync(f, 'utf8')).toBe('hi');
    expect(fs.readdirSync(path.dirname(f))).toEqual(['a.txt']);
  });

  it('temp paths are next to the file and unique', () => {
    const f = path.join(dir, 'a.txt');
    const a = tempPathFor(f);
    expect(path.dirname(a)).toBe(dir);
    expect(a).not.toBe(tempPathFor(f));
  });

  it('leaves no temp file and keeps the old content when the writer throws', async () => {
    const f = path.join(dir, 'out.csv');
    fs.writeFileSync(f, 'old');
    let seenTmp = '';
    await expect(
      withAtomicPath(f, (tmp) => {
        seenTmp = tmp;
        fs.writeFileSync(tmp, 'half-writ');
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
    expect(fs.existsSync(seenTmp)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['out.csv']);
    expect(fs.readFileSync(f, 'utf8')).toBe('old');
  });

  it('renames into place when the writer succeeds and returns its value', async () => {
    const f = path.join(dir, 'x.bin');
    const r = await withAtomicPath(f, async (tmp) => {
      fs.writeFileSync(tmp, 'new');
      expect(fs.existsSync(f)).toBe(false); // not visible until done
      return 7;
    });
    expect(r).toBe(7);
    expect(fs.readFileSync(f, 'utf8')).toBe('new');
  });
});

describe('json', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-json-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips, writing typed arrays as arrays', () => {
    const f = path.join(dir, 'a.json');
    writeJson(f, { a: 1, v: Float32Array.from([0.5, 2]) });
    expect(readJson(f)).toEqual({ a: 1, v: [0.5, 2] });
  });

  it('names the file for missing and invalid JSON', () => {
    expect(() => readJson(path.join(dir, 'nope.json'))).toThrow(/nope\.json: file not found \(expected a JSON file\)/);
    const f = path.join(dir, 'bad.json');
    fs.writeFileSync(f, '{"a": ');
    expect(() => readJson(f)).toThrow(/bad\.json: not valid JSON/);
  });
});
