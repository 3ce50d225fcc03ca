import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DataError,
  loadNpy,
  MOA_CTL_DRUG_ID,
  MOA_FEATURE_COLUMNS,
  MOA_FILES,
  MOA_KAGGLE,
  MOA_NONSCORED_TARGETS,
  MOA_SCORED_TARGETS,
  readCsvColumns,
  readJson,
  readMoaDrugs,
  readMoaFeatures,
  readMoaSubmission,
  readMoaTargets,
} from '@repro/io';
import { columnwiseLogLoss } from '@repro/metrics';
import { generator, MIN_LARGE_DRUG_ROWS, MOA_TRUTH_FILES, planMoaLayout, type MoaTruth } from './index';
import { Rng } from './rng';

const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

function rowsPerDrug(drugIds: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of drugIds) m.set(d, (m.get(d) ?? 0) + 1);
  return m;
}

describe('Rng', () => {
  it('is deterministic per (seed, stream), differs across them, and has sane moments', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const seqA = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => new Rng(42, 1).nextU32())).not.toEqual(seqA);
    expect(new Rng(43).nextU32()).not.toBe(seqA[0]);
    const r = new Rng(7);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    let t2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      t2 += r.studentT4() ** 2;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(s2 / n).toBeGreaterThan(0.95);
    expect(s2 / n).toBeLessThan(1.05);
    expect(t2 / n).toBeGreaterThan(1.6); // Student-t(4) has variance 2: heavier than the normal's 1
    expect(r.hex(9)).toMatch(/^[0-9a-f]{9}$/);
  });
});

describe('MoA layout', () => {
  it('at kaggle scale has the real row counts, controls, large drugs and 6-row drugs', () => {
    const L = planMoaLayout('kaggle', 42);
    expect(L.train.sigIds).toHaveLength(MOA_KAGGLE.trainRows);
    expect(L.test.sigIds).toHaveLength(MOA_KAGGLE.testRows);
    const ctl = L.drugs.filter((d) => d.kind === 'ctl');
    expect(ctl).toEqual([{ id: MOA_CTL_DRUG_ID, kind: 'ctl', nTrain: MOA_KAGGLE.trainCtlRows, nTest: MOA_KAGGLE.testCtlRows }]);
    expect(Array.from(L.train.drug).filter((d) => L.drugs[d].kind === 'ctl')).toHaveLength(1866);
    const large = L.drugs.filter((d) => d.kind === 'large');
    expect(large).toHaveLength(8);
    expect(large[0].nTrain).toBe(718);
    for (const d of large) expect(d.nTrain).toBeGreaterThan(MOA_KAGGLE.drugAwareThreshold);
    const small = L.drugs.filter((d) => d.kind === 'small');
    for (const d of small) {
      expect(d.nTrain + d.nTest).toBeLessThanOrEqual(18);
      expect(d.nTrain === 0 || d.nTest === 0).toBe(true); // test drugs are unseen in train
    }
    const six = small.filter((d) => d.nTrain + d.nTest === 6).length;
    expect(six / small.length).toBeGreaterThan(0.75);
    expect(small.filter((d) => d.nTrain + d.nTest === 12).length).toBeGreaterThan(50);
    const all = [...L.train.sigIds, ...L.test.sigIds];
    expect(new Set(all).size).toBe(all.length);
    for (const id of all.slice(0, 500)) expect(id).toMatch(/^id_[0-9a-f]{9}$/);
    expect(new Set(L.drugs.map((d) => d.id)).size).toBe(L.drugs.length);
    expect([...L.train.sigIds].sort()).toEqual(L.train.sigIds); // file order: sorted like the real files
  });

  it('spreads each 6-row drug over the 6 cp_time x cp_dose combinations', () => {
    const L = planMoaLayout('default', 1);
    const combos = new Map<number, Set<number>>();
    L.train.drug.forEach((d, i) => {
      if (!combos.has(d)) combos.set(d, new Set());
      combos.get(d)!.add(L.train.time[i] * 2 + L.train.dose[i]);
    });
    const six = L.drugs.map((d, i) => (d.kind === 'small' && d.nTrain === 6 ? i : -1)).filter((i) => i >= 0);
    expect(six.length).toBeGreaterThan(100);
    for (const d of six) expect(combos.get(d)!.size).toBe(6);
  });

  it('has at least two drugs above 18 rows even at smoke scale', () => {
    const L = planMoaLayout('smoke', 3);
    const big = L.drugs.filter((d) => d.kind !== 'ctl' && d.nTrain > 18);
    expect(big.length).toBeGreaterThanOrEqual(2);
    for (const d of big) expect(d.nTrain).toBeGreaterThanOrEqual(MIN_LARGE_DRUG_ROWS);
  });
});

describe('MoA generator (smoke)', () => {
  let root: string;
  let dir: string;
  let summary: MoaTruth;
  const file = (f: string): string => path.join(dir, f);

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-moa-'));
    dir = path.join(root, 'a');
    summary = (await generator.generate({ outDir: dir, scale: 'smoke', seed: 42 })) as MoaTruth;
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes exactly the files it lists, plus truth.json holding the summary', () => {
    expect(fs.readdirSync(dir).sort()).toEqual([...summary.files, 'truth.json'].sort());
    for (const f of Object.values(MOA_FILES)) expect(summary.files).toContain(f);
    const truth = readJson<MoaTruth>(file('truth.json'));
    expect(truth.competition).toBe('moa');
    expect(truth.scale).toBe('smoke');
    expect(truth.seed).toBe(42);
    expect(truth.figures).toEqual(summary.figures);
    expect(truth.truth.rows).toEqual(summary.truth.rows);
  });

  it('writes features in the real layout: column order, dtypes, row counts, value sets, 4 decimals', async () => {
    const tr = await readMoaFeatures(file(MOA_FILES.trainFeatures));
    const te = await readMoaFeatures(file(MOA_FILES.testFeatures));
    expect(tr.header).toEqual(MOA_FEATURE_COLUMNS);
    expect(te.header).toEqual(MOA_FEATURE_COLUMNS);
    expect(tr.nRows).toBe(240);
    expect(te.nRows).toBe(60);
    expect(tr.genes).toBeInstanceOf(Float32Array);
    expect(tr.cpTime).toBeInstanceOf(Int32Array);
    expect(new Set(tr.raw.cpType)).toEqual(new Set(['trt_cp', 'ctl_vehicle']));
    expect(new Set(tr.cpTime)).toEqual(new Set([24, 48, 72]));
    expect(new Set(tr.raw.cpDose)).toEqual(new Set(['D1', 'D2']));
    expect(new Set(te.raw.cpType)).toEqual(new Set(['trt_cp', 'ctl_vehicle']));
    const ctlShare = tr.cpType.reduce((a, b) => a + b, 0) / tr.nRows;
    expect(ctlShare).toBeGreaterThan(0.06);
    expect(ctlShare).toBeLessThan(0.1);
    const range = (a: Float32Array): [number, number] => a.reduce(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity]);
    const [gLo, gHi] = range(tr.genes);
    const [cLo, cHi] = range(tr.cells);
    expect(gLo).toBeGreaterThanOrEqual(-10);
    expect(gHi).toBeLessThanOrEqual(10);
    expect(gHi - gLo).toBeGreaterThan(8); // heavy tails reach far
    expect(cLo).toBe(-10); // clipped like the real c- values
    expect(cHi).toBeLessThanOrEqual(6);
    const line = fs.readFileSync(file(MOA_FILES.trainFeatures), 'utf8').split('\n')[1].split(',');
    expect(line[0]).toMatch(/^id_[0-9a-f]{9}$/);
    for (const v of line.slice(4)) expect(v).toMatch(/^-?\d{1,2}\.\d{4}$/);
    const ids = new Set(tr.sigIds);
    expect(ids.size).toBe(240);
    for (const id of te.sigIds) expect(ids.has(id)).toBe(false);
  });

  it('has heavy-tailed genes and strongly correlated cells, driven by toxic drugs', async () => {
    const tr = await readMoaFeatures(file(MOA_FILES.trainFeatures));
    const n = tr.nRows;
    const col = (M: Float32Array, w: number, j: number): Float64Array => Float64Array.from({ length: n }, (_, i) => M[i * w + j]);
    const corr = (a: Float64Array, b: Float64Array): number => {
      const ma = a.reduce((s, x) => s + x, 0) / n;
      const mb = b.reduce((s, x) => s + x, 0) / n;
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let i = 0; i < n; i++) {
        ab += (a[i] - ma) * (b[i] - mb);
        aa += (a[i] - ma) ** 2;
        bb += (b[i] - mb) ** 2;
      }
      return ab / Math.sqrt(aa * bb);
    };
    const cells = Array.from({ length: 100 }, (_, j) => col(tr.cells, 100, j));
    let above = 0;
    for (let a = 0; a < 100; a++) for (let b = a + 1; b < 100; b++) if (corr(cells[a], cells[b]) > 0.9) above++;
    expect(above).toBeGreaterThan(20);
    expect(above).toBe(summary.truth.stats.cellPairsCorrelationAbove09);
    // Genes are not one factor: neighbouring genes are mostly far from perfectly correlated.
    let geneHigh = 0;
    for (let j = 0; j < 100; j++) if (Math.abs(corr(col(tr.genes, 772, j), col(tr.genes, 772, j + 1))) > 0.9) geneHigh++;
    expect(geneHigh).toBeLessThan(10);
    // Heavy tails: excess kurtosis of the pooled control-row genes (no drug effect) is clearly positive.
    const ctl: number[] = [];
    for (let i = 0; i < n; i++) if (tr.cpType[i] === 1) for (let j = 0; j < 772; j++) ctl.push(tr.genes[i * 772 + j]);
    const m = ctl.reduce((s, x) => s + x, 0) / ctl.length;
    const v = ctl.reduce((s, x) => s + (x - m) ** 2, 0) / ctl.length;
    const k = ctl.reduce((s, x) => s + (x - m) ** 4, 0) / ctl.length / v ** 2 - 3;
    expect(k).toBeGreaterThan(0.3);
  });

  it('writes targets and drugs consistent with the features; controls are never positive', async () => {
    const tr = await readMoaFeatures(file(MOA_FILES.trainFeatures));
    const scored = await readMoaTargets(file(MOA_FILES.trainTargetsScored), tr.sigIds);
    const non = await readMoaTargets(file(MOA_FILES.trainTargetsNonscored), tr.sigIds);
    const drugs = await readMoaDrugs(file(MOA_FILES.trainDrug), tr.sigIds);
    expect(scored.names).toEqual(MOA_SCORED_TARGETS);
    expect(non.names).toEqual(MOA_NONSCORED_TARGETS);
    let ctlPositives = 0;
    let trtPositives = 0;
    for (let i = 0; i < tr.nRows; i++) {
      let k = 0;
      for (let j = 0; j < 206; j++) k += scored.Y[i * 206 + j];
      for (let j = 0; j < 402; j++) k += non.Y[i * 402 + j];
      if (tr.cpType[i] === 1) ctlPositives += k;
      else trtPositives += k;
      expect(drugs.drugIds[i] === MOA_CTL_DRUG_ID).toBe(tr.cpType[i] === 1);
    }
    expect(ctlPositives).toBe(0);
    expect(trtPositives).toBeGreaterThan(100);
    const sizes = rowsPerDrug(drugs.drugIds);
    sizes.delete(MOA_CTL_DRUG_ID);
    expect([...sizes.values()].filter((s) => s > 18).length).toBeGreaterThanOrEqual(2);
    for (const d of sizes.keys()) expect(d).toMatch(/^[0-9a-f]{9}$/);

    const te = await readMoaFeatures(file(MOA_FILES.testFeatures));
    const sample = await readMoaSubmission(file(MOA_FILES.sampleSubmission), te.sigIds);
    expect(sample.names).toEqual(MOA_SCORED_TARGETS);
    expect(new Set(sample.P)).toEqual(new Set([0.5]));
    const testDrug = await readCsvColumns(file(MOA_TRUTH_FILES.testDrug), { columns: { sig_id: 'string', drug_id: 'string' } });
    expect(testDrug.columns.sig_id).toEqual(te.sigIds);
    const trainDrugs = new Set(drugs.drugIds);
    const shared = [...new Set(testDrug.columns.drug_id)].filter((d) => trainDrugs.has(d));
    // Only the controls and the large drugs appear on both sides.
    for (const d of shared) expect(d === MOA_CTL_DRUG_ID || (sizes.get(d) ?? 0) > 18).toBe(true);
  });

  it('saves the true probabilities; labels follow them and the figures are their log losses', async () => {
    const tr = await readMoaFeatures(file(MOA_FILES.trainFeatures));
    const Y = (await readMoaTargets(file(MOA_FILES.trainTargetsScored), tr.sigIds)).Y;
    const P = loadNpy(file(MOA_TRUTH_FILES.trainScoredProb));
    expect(P.shape).toEqual([240, 206]);
    expect(P.data).toBeInstanceOf(Float32Array);
    let ctlNonZero = 0;
    let trtZero = 0;
    let positiveAtZero = 0;
    for (let i = 0; i < 240; i++) {
      for (let j = 0; j < 206; j++) {
        const p = P.data[i * 206 + j];
        if (tr.cpType[i] === 1 && p !== 0) ctlNonZero++;
        if (tr.cpType[i] === 0 && !(p > 0 && p < 1)) trtZero++; // the floor is > 0: every treated entry is uncertain
        if (p === 0 && Y[i * 206 + j] !== 0) positiveAtZero++;
      }
    }
    expect({ ctlNonZero, trtZero, positiveAtZero }).toEqual({ ctlNonZero: 0, trtZero: 0, positiveAtZero: 0 });
    const floor = columnwiseLogLoss(Y, P.data, 206);
    expect(summary.figures.floorLogLoss).toBeCloseTo(floor, 7);
    const f = summary.figures;
    expect(f.floorLogLoss).toBeGreaterThan(0.003);
    expect(f.floorLogLoss).toBeLessThan(f.ctlZeroTrainMeanLogLoss);
    expect(f.ctlZeroTrainMeanLogLoss).toBeLessThan(f.trainMeanLogLoss);
    expect(f.testFloorLogLoss).toBeLessThan(f.testTrainMeanLogLoss);
    // Positives mostly come one per row.
    const byCount = summary.truth.stats.rowsByScoredPositives as number[];
    expect(byCount[0] + byCount[1]).toBeGreaterThan(0.7 * 240);
    const testY = loadNpy(file(MOA_TRUTH_FILES.testTargetsScored));
    expect(testY.shape).toEqual([60, 206]);
    expect(testY.data).toBeInstanceOf(Uint8Array);
    expect(loadNpy(file(MOA_TRUTH_FILES.testDrugIndex)).shape).toEqual([60]);
  });

  it('is byte-identical for the same seed and different for another seed', async () => {
    const again = path.join(root, 'b');
    const other = path.join(root, 'c');
    const s2 = await generator.generate({ outDir: again, scale: 'smoke', seed: 42 });
    await generator.generate({ outDir: other, scale: 'smoke', seed: 43 });
    expect(s2.files).toEqual(summary.files);
    for (const f of summary.files) expect(`${f} ${sha(path.join(again, f))}`).toBe(`${f} ${sha(file(f))}`);
    const strip = (d: string): unknown => ({ ...readJson<MoaTruth>(path.join(d, 'truth.json')), seconds: 0 });
    expect(strip(again)).toEqual(strip(dir));
    for (const f of [MOA_FILES.trainFeatures, MOA_FILES.trainTargetsScored, MOA_FILES.trainDrug, MOA_FILES.testFeatures]) {
      expect(sha(path.join(other, f))).not.toBe(sha(file(f)));
    }
  });

  it('tells its own files from the real ones', () => {
    expect(generator.realFilesPresent(dir)).toBe(false); // ours: truth.json present
    const real = path.join(root, 'real');
    fs.mkdirSync(real);
    for (const f of Object.values(MOA_FILES)) fs.copyFileSync(file(f), path.join(real, f));
    expect(generator.realFilesPresent(real)).toBe(true);
    fs.rmSync(path.join(real, MOA_FILES.trainDrug));
    expect(generator.realFilesPresent(real)).toBe(false);
  });

  describe('loaders refuse broken copies of the generated files', () => {
    const lines = (f: string): string[] => fs.readFileSync(file(f), 'utf8').trimEnd().split('\n');
    const save = (name: string, text: string[]): string => {
      const f = path.join(root, name);
      fs.writeFileSync(f, text.join('\n') + '\n');
      return f;
    };

    it('a features file with a column dropped', async () => {
      const src = lines(MOA_FILES.trainFeatures);
      const drop = MOA_FEATURE_COLUMNS.indexOf('g-100');
      const out = src.map((l) => l.split(',').filter((_, i) => i !== drop).join(','));
      const f = save('dropped_features.csv', out);
      await expect(readMoaFeatures(f)).rejects.toThrow(DataError);
      await expect(readMoaFeatures(f)).rejects.toThrow(/dropped_features\.csv \(row 1\): .*got 875: missing column 'g-100'$/);
    });

    it('a targets file whose rows are not in the features order', async () => {
      const tr = await readMoaFeatures(file(MOA_FILES.trainFeatures));
      const src = lines(MOA_FILES.trainTargetsScored);
      [src[5], src[6]] = [src[6], src[5]]; // data rows 4 and 5 (file rows 6 and 7)
      const f = save('swapped_targets.csv', src);
      const err = await readMoaTargets(f, tr.sigIds).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      expect((err as DataError).message).toBe(
        `${f} (row 6, column 'sig_id'): sig_id '${tr.sigIds[5]}' where the features have '${tr.sigIds[4]}' (data row 5); ` +
          'expected the same sig_ids in the same order as the features file',
      );
    });

    it('a non-numeric value', async () => {
      const src = lines(MOA_FILES.testFeatures);
      const fields = src[4].split(',');
      fields[MOA_FEATURE_COLUMNS.indexOf('c-3')] = '1.2.3';
      src[4] = fields.join(',');
      const f = save('bad_value.csv', src);
      await expect(readMoaFeatures(f)).rejects.toThrow(/bad_value\.csv \(row 5, column 'c-3'\): expected a float32 number, got '1\.2\.3'/);
    });
  });
});
