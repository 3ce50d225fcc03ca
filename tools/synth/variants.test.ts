// Generator variants (`--variant`): the default output is unchanged, every variant generates and
// names itself and its ceiling/floor in truth.json, unknown names are refused with the list, and a
// set or partial build of another variant is neither kept as if it were this one nor resumed into.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readJson } from '@repro/io';
import { GENERATORS } from './cli';
import { runSynthCli as run } from './testing';
import { ION_VARIANTS, generateIonSwitching } from './ion-switching';
import { MOA_VARIANTS, generateMoa } from './moa';
import { HMS_VARIANTS, generateHms, planHms } from './hms';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-variants-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));


const md5 = (file: string): string => createHash('md5').update(fs.readFileSync(file)).digest('hex');

describe('--variant', () => {
  it('default: the files of today (pinned checksums, made before variants existed); --variant default asks for that same set', async () => {
    const plain = path.join(root, 'ion-plain');
    await run(['ion-switching', '--scale', 'smoke', '--data-dir', plain]);
    expect(md5(path.join(plain, 'train.csv'))).toBe('334515e3901d933b65ec9c62a1973c2c');
    expect(md5(path.join(plain, 'test.csv'))).toBe('dcee4625c67e2a46d7857ad3a7ea813c');
    expect(readJson(path.join(plain, 'truth.json'))).toMatchObject({ variant: 'default', heldOut: false });
    // Made without the flag, it is the default variant's set: kept, not refused.
    expect(await run(['ion-switching', '--scale', 'smoke', '--variant', 'default', '--data-dir', plain])).toMatch(/already there; kept/);
    await expect(run(['ion-switching', '--scale', 'smoke', '--variant', 'noise-low', '--data-dir', plain])).rejects.toThrow(/variant default; it is kept/);
  });

  it('a set of another variant is kept and the request refused without --force; the partial build of another variant is not resumed', async () => {
    const d = path.join(root, 'ion-other');
    await expect(run(['ion-switching', '--scale', 'smoke', '--variant', 'noise-high', '--data-dir', d, '--stop-after', '1'])).rejects.toThrow(/stopped after/);
    expect(readJson(path.join(`${d}.partial`, '.synth-partial.json'))).toMatchObject({ variant: 'noise-high' });
    const log = await run(['ion-switching', '--scale', 'smoke', '--variant', 'rates-fast', '--data-dir', d]);
    expect(log).toMatch(/discarding the interrupted build in .*\(of ion-switching scale smoke, seed 42, variant noise-high\); building scale smoke, seed 42, variant rates-fast from the start/);
    const truth = readJson<Record<string, unknown> & { figures: Record<string, number> }>(path.join(d, 'truth.json'));
    expect(truth).toMatchObject({ variant: 'rates-fast', heldOut: false });
    expect(truth.figures.bayesMacroF1).toBeGreaterThan(truth.figures.roundingMacroF1);
    await expect(run(['ion-switching', '--scale', 'smoke', '--variant', 'noise-high', '--data-dir', d])).rejects.toThrow(
      /already holds a synthetic set of scale smoke, seed 42, variant rates-fast; it is kept.*--variant noise-high/,
    );
    // No flag asks for nothing in particular: the set there is kept.
    expect(await run(['ion-switching', '--data-dir', d])).toMatch(/variant rates-fast[\s\S]*already there; kept/);
  });

  it('an unknown name is an error listing the known ones; `--variant list` lists them with held-out ones marked', async () => {
    await expect(run(['ion-switching', '--variant', 'nope', '--data-dir', path.join(root, 'x')])).rejects.toThrow(
      /ion-switching has no variant 'nope'; known variants:\n\s+default .*\n\s+kinetics-2state/,
    );
    expect(fs.existsSync(path.join(root, 'x'))).toBe(false);
    for (const [competition, gen] of Object.entries(GENERATORS)) {
      const list = await run([competition, '--variant', 'list']);
      expect(list.split('\n')).toHaveLength(Object.keys(gen.variants).length);
      expect(Object.keys(gen.variants)[0]).toBe('default');
    }
    expect(await run(['ion-switching', '--variant', 'list'])).toMatch(/kinetics-inactivating\s+\[held out\]/);
  });
});

describe('ion-switching variants', () => {
  it('at least two are held out, and the kinetics, rates, noise and drift families are there', () => {
    expect(Object.values(ION_VARIANTS).filter((v) => v.heldOut).length).toBeGreaterThanOrEqual(2);
    for (const n of ['kinetics-2state', 'kinetics-inactivating', 'rates-slow', 'rates-fast', 'noise-high', 'drift-other']) expect(ION_VARIANTS[n]).toBeDefined();
  });

  // A quarter of the smoke rows: all variants in a few seconds.
  it.each(Object.keys(ION_VARIANTS).filter((v) => v !== 'default'))('%s generates; its truth.json names it, its ceiling and rounding baseline', async (variant) => {
    const d = path.join(root, `ion-${variant}`);
    const s = await generateIonSwitching({ outDir: d, scale: 'smoke', seed: 3, variant, rows: { trainRows: 10_000, testRows: 4_000 } });
    expect(s.variant).toBe(variant);
    const truth = readJson<{ variant: string; heldOut: boolean; figures: Record<string, number>; groups: Array<{ channelModel: { states: string[] } }> }>(
      path.join(d, 'truth.json'),
    );
    expect(truth.variant).toBe(variant);
    expect(truth.heldOut).toBe(ION_VARIANTS[variant].heldOut);
    expect(truth.figures.bayesMacroF1).toBeGreaterThan(0.8);
    expect(truth.figures.roundingMacroF1).toBeGreaterThan(0.6);
    expect(truth.figures.bayesMacroF1).toBeGreaterThan(truth.figures.roundingMacroF1);
    expect(truth.groups[0].channelModel.states).toEqual(ION_VARIANTS[variant].channelModels[0].states);
    const kinds = new Set(readJson<{ drifts: Array<{ kind: string }> }>(path.join(d, 'truth.json')).drifts.map((x) => x.kind));
    expect([...kinds].sort()).toEqual(ION_VARIANTS[variant].drift === 'other' ? ['exp', 'linear', 'sine'] : ['halfSine', 'linear']);
    fs.rmSync(d, { recursive: true, force: true });
  });
});

describe('moa variants', () => {
  it('at least two are held out', () => {
    expect(Object.values(MOA_VARIANTS).filter((v) => v.heldOut).length).toBeGreaterThanOrEqual(2);
  });

  it.each(Object.keys(MOA_VARIANTS).filter((v) => v !== 'default'))('%s generates at smoke scale; its truth.json names it, its floor and baseline', async (variant) => {
    const d = path.join(root, `moa-${variant}`);
    const s = await generateMoa({ outDir: d, scale: 'smoke', seed: 3, variant });
    const truth = readJson<{ variant: string; heldOut: boolean; figures: Record<string, number>; truth: { params: unknown } }>(path.join(d, 'truth.json'));
    expect(truth.variant).toBe(variant);
    expect(s.variant).toBe(variant);
    expect(truth.heldOut).toBe(MOA_VARIANTS[variant].heldOut);
    expect(truth.truth.params).toEqual({ target: MOA_VARIANTS[variant].target, latent: MOA_VARIANTS[variant].latent });
    expect(truth.figures.floorLogLoss).toBeGreaterThan(0);
    expect(truth.figures.floorLogLoss).toBeLessThan(truth.figures.trainMeanLogLoss);
    fs.rmSync(d, { recursive: true, force: true });
  });
});

describe('hms variants', () => {
  it('at least two are held out; the plan (ids, layout, classes) is the default one, the shapes and vote populations are not', () => {
    expect(Object.values(HMS_VARIANTS).filter((v) => v.heldOut).length).toBeGreaterThanOrEqual(2);
    const base = planHms('smoke', 5);
    const shifted = planHms('smoke', 5, 'patterns-shifted');
    expect(shifted.eegs.map((e) => [e.eegId, e.cls, e.offsets])).toEqual(base.eegs.map((e) => [e.eegId, e.cls, e.offsets]));
    expect(shifted.eegs[0].params.freq).not.toBe(base.eegs[0].params.freq);
    const many = planHms('smoke', 5, 'votes-many').eegs.filter((e) => e.high).length;
    expect(many).toBeGreaterThan(base.eegs.filter((e) => e.high).length);
    expect(() => planHms('smoke', 5, 'nope')).toThrow(/hms: unknown variant 'nope' \(known: default, patterns-shifted/);
  });

  // One train recording each (smoke scale, cut short like hms.test's partial builds), no test ones; of the
  // vote-population variants only the held-out one (votes-few/-many differ from it only in highShare,
  // checked on the plan above): a recording takes ~1.7 s of CPU.
  it.each(['patterns-shifted', 'artefacts-high', 'votes-ambiguous'])('%s generates; its truth.json names it and its floor', async (variant) => {
    const d = path.join(root, `hms-${variant}`);
    const s = await generateHms({ outDir: d, scale: 'smoke', seed: 3, variant, workers: 1 }, { maxRecordings: 1, maxTestRecordings: 0 });
    const truth = readJson<{ variant: string; heldOut: boolean; figures: Record<string, number> }>(path.join(d, 'truth.json'));
    expect(truth.variant).toBe(variant);
    expect(s.variant).toBe(variant);
    expect(truth.heldOut).toBe(HMS_VARIANTS[variant].heldOut);
    expect(truth.figures.floorKL).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(truth.figures.trainMeanKL)).toBe(true);
    fs.rmSync(d, { recursive: true, force: true });
  });
});
