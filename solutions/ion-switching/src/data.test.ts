import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ION_TRAIN_BATCH_GROUPS, ionTestLayout, ionTimeAt, ionTrainLayout } from '@repro/io';
import { macroF1 } from '@repro/metrics';
import type { IonSwitchingConfig } from './config';
import { loadAndClean, outlierMask, roundLabels } from './data';

const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'configs', 'base.json'), 'utf8')) as IonSwitchingConfig;

describe('outlierMask', () => {
  it('marks the real windows at 5M rows (47.858..47.8629 s, 364.290..382.2899 s)', () => {
    const m = outlierMask(ionTrainLayout(5_000_000), 5_000_000);
    // rows are 0-based: time t is row t * 10000 - 1
    expect(m[478_577]).toBe(0);
    expect(m.subarray(478_580, 478_629).every((v) => v === 1)).toBe(true);
    expect(m[478_629]).toBe(0);
    expect(m[3_642_897]).toBe(0);
    expect(m.subarray(3_642_900, 3_822_899).every((v) => v === 1)).toBe(true);
    expect(m[3_822_899]).toBe(0);
    expect(m.reduce((a, v) => a + v, 0)).toBeLessThan(50 + 180_000 + 3);
  });
});

/** Deterministic pseudo-random numbers for the fixture. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('loadAndClean', () => {
  // A small data set with the real disturbances: drifts where kaggle-facts puts them, 50 Hz mains,
  // the 10-channel offset. Labels change slowly (runs of 50 rows) as channel states do.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ion-clean-'));
  const nTrain = 40_000;
  const nTest = 16_000;
  const rnd = lcg(7);
  const levelOf = (group: number, k: number) => 1.2336 * k - 2.7337 + (group === 4 ? -2.7 : 0);
  const maxK = [1, 1, 3, 5, 10];
  function makeLabels(n: number, groupOf: (i: number) => number): Int32Array {
    const y = new Int32Array(n);
    for (let i = 0; i < n; i += 50) y.fill(Math.floor(rnd() * (maxK[groupOf(i)] + 1)), i, i + 50);
    return y;
  }
  const trSeg = ionTrainLayout(nTrain);
  const teSeg = ionTestLayout(nTest);
  const trGroup = (i: number) => ION_TRAIN_BATCH_GROUPS[Math.floor(i / (nTrain / 10))];
  const teGroup = (i: number) => teSeg.find((s) => i >= s.start && i < s.end)!.group;
  const yTrain = makeLabels(nTrain, trGroup);
  const yTest = makeLabels(nTest, teGroup);
  const sig = (y: Int32Array, group: (i: number) => number, drift: (i: number) => number) =>
    Array.from(y, (k, i) => levelOf(group(i), k) + drift(i) + 0.05 * Math.sin((2 * Math.PI * i) / 200 + 1) + 0.1 * (rnd() - 0.5));
  const B = nTrain / 10;
  const testSeg = (i: number) => teSeg.find((x) => i >= x.start && i < x.end)!;
  /** train.csv and test.csv with these drifts (functions of the row) in `into`. */
  function writeFiles(into: string, trainDrift: (i: number) => number, testDrift: (i: number) => number): void {
    const trainSignal = sig(yTrain, trGroup, trainDrift);
    const testSignal = sig(yTest, teGroup, testDrift);
    fs.writeFileSync(
      path.join(into, 'train.csv'),
      'time,signal,open_channels\n' + trainSignal.map((v, i) => `${ionTimeAt(0, i).toFixed(4)},${v.toFixed(4)},${yTrain[i]}`).join('\n') + '\n',
    );
    fs.writeFileSync(path.join(into, 'test.csv'), 'time,signal\n' + testSignal.map((v, i) => `${ionTimeAt(nTrain, i).toFixed(4)},${v.toFixed(4)}`).join('\n') + '\n');
  }
  // The real data's drifts (kaggle-facts).
  writeFiles(
    dir,
    (i) => {
      const b = Math.floor(i / B);
      const r = i - b * B;
      if (b >= 6) return 5 * Math.sin((Math.PI * r) / B);
      if (b === 1 && r < B / 5) return (0.3 * r) / (B / 5);
      return 0;
    },
    (i) => {
      const s = testSeg(i);
      if (s.index === 10) return 5 * Math.sin((Math.PI * (i - s.start)) / (s.end - s.start));
      if ([0, 1, 4, 6, 7, 8].includes(s.index)) return (0.3 * (i - s.start)) / (s.end - s.start);
      return 0;
    },
  );
  // Other shapes in other places: a full sine over batches 3-4, a saturating exponential over
  // 9-10 (batch 10 then sits ~4 above its sibling), a rise of 1 over all of batch 2; falling lines
  // on test chunks 2 and 3, 1.5 sine periods over chunk 10, an exponential over chunk 11.
  const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ion-clean-other-'));
  writeFiles(
    otherDir,
    (i) => {
      const b = Math.floor(i / B);
      if (b === 2 || b === 3) return 3 * Math.sin((2 * Math.PI * (i - 2 * B)) / (2 * B));
      if (b >= 8) return 4 * (1 - Math.exp(-(i - 8 * B) / ((2 * B) / 6)));
      if (b === 1) return (i - B) / B;
      return 0;
    },
    (i) => {
      const s = testSeg(i);
      const r = (i - s.start) / (s.end - s.start);
      if (s.index === 10) return 2.5 * Math.sin(2 * Math.PI * 1.5 * r);
      if (s.index === 11) return -2 * (1 - Math.exp(-4 * r));
      if (s.index === 2 || s.index === 3) return -0.6 * r;
      return 0;
    },
  );
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(otherDir, { recursive: true, force: true });
  });

  const config = (clean: Partial<IonSwitchingConfig['clean']>): IonSwitchingConfig => ({ ...base, data: { dir }, clean: { ...base.clean, ...clean } });

  it('puts train and test on the open_channels scale: rounding recovers the labels', async () => {
    const d = await loadAndClean(config({}), () => {});
    expect(d.roundingF1).toBeGreaterThan(0.999);
    expect(macroF1(yTest, roundLabels(d.test.clean))).toBeGreaterThan(0.999);
    const err = d.test.clean.reduce((a, v, i) => Math.max(a, Math.abs(v - yTest[i])), 0);
    expect(err).toBeLessThan(0.2);
    expect(d.report.groups.find((g) => g.group === '10ch')!.offset).toBeCloseTo(-2.7337 - 2.7, 1);
    expect(d.report.mains.every((m) => m.rms > 0.02)).toBe(true);
  });

  it('without drift removal the drifted batches are lost (the cleaning matters)', async () => {
    const d = await loadAndClean(config({ removeDrift: false }), () => {});
    expect(d.roundingF1).toBeLessThan(0.8);
  });

  it('least-squares drift fits find the half-sines from the signal alone (noisier on 4000-row batches)', async () => {
    const d = await loadAndClean(config({ knownDrift: { enabled: false, halfSineAmplitude: 5, linearRise: 0.3 } }), () => {});
    expect(d.roundingF1).toBeGreaterThan(0.85);
    for (const r of d.report.drifts.filter((x) => x.kind === 'halfSine')) expect(Math.abs(r.amplitude - 5)).toBeLessThan(1.5);
  });

  it("'windows' drift removal cleans the known drifts as well as the known shapes do", async () => {
    const d = await loadAndClean(config({ driftMethod: 'windows' }), () => {});
    expect(d.roundingF1).toBeGreaterThan(0.999);
    expect(macroF1(yTest, roundLabels(d.test.clean))).toBeGreaterThan(0.999);
    expect(d.report.drifts.every((r) => r.kind === 'windows')).toBe(true);
  });

  it("other drift shapes in other places: the known segments miss them, 'windows' removes them on train and test", async () => {
    const known = await loadAndClean({ ...config({}), data: { dir: otherDir } }, () => {});
    expect(known.roundingF1).toBeLessThan(0.9);
    const d = await loadAndClean({ ...config({ driftMethod: 'windows' }), data: { dir: otherDir } }, () => {});
    expect(d.roundingF1).toBeGreaterThan(0.999);
    expect(macroF1(yTest, roundLabels(d.test.clean))).toBeGreaterThan(0.995);
    const err = d.test.clean.reduce((a, v, i) => Math.max(a, Math.abs(v - yTest[i])), 0);
    expect(err).toBeLessThan(0.3);
  });
});
