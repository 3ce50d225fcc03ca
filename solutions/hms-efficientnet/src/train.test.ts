import { hmsScoreRows } from '@repro/io';
import { klDivergenceScore } from '@repro/metrics';
import { hashSeed } from '@repro/layers';
import { oneCycle } from '@repro/layers';
import { getResultKL, imageBatches, warmupPct, weightsNote, windowItems, type TrainData } from './train';
import { writeImage } from './model';
import { StepTimer } from './timing';

function data(n: number, h: number, w: number): TrainData {
  const targets = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) targets[i * 6 + (i % 6)] = 1;
  return {
    table: { n, eegId: new Float64Array(n), spectrogramId: new Float64Array(n), specMin: new Float64Array(n), specMax: new Float64Array(n), patientId: new Int32Array(n), votes: targets, targets, target: new Int32Array(n), rowCount: new Int32Array(n).fill(1), minRowVotes: new Float64Array(n), windows: Array.from({ length: n }, () => []) },
    x: Float32Array.from({ length: n * h * w }, (_, i) => i),
    height: h,
    width: w,
  };
}

describe('imageBatches', () => {
  it('covers every row once per epoch, reshuffles per epoch, and the same (epoch, i) gives the same batch', () => {
    const d = data(10, 2, 4);
    const src = imageBatches({ data: d, rows: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), batchSize: 4, shuffle: true, seed: hashSeed(1), hflip: 0, tileWidth: 2 });
    expect(src.numBatches()).toBe(3);
    const firstPixel = (epoch: number) => {
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const b = src.batch(i, epoch) as { x: { arraySync(): number[][][][]; dispose(): void }; y: { dispose(): void } };
        seen.push(...b.x.arraySync().map((img) => img[0][0][0] / 8));
        b.x.dispose();
        b.y.dispose();
      }
      return seen;
    };
    const e0 = firstPixel(0);
    expect([...e0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(firstPixel(0)).toEqual(e0);
    expect(firstPixel(1)).not.toEqual(e0);
  });

  it('hflip = 1 flips every tile along time; the targets follow their images', () => {
    const d = data(2, 1, 4);
    const src = imageBatches({ data: d, rows: Int32Array.from([1]), batchSize: 1, shuffle: false, seed: 0, hflip: 1, tileWidth: 2 });
    const b = src.batch(0, 0) as { x: { dataSync(): Float32Array; dispose(): void }; y: { dataSync(): Float32Array; dispose(): void } };
    expect(Array.from(b.x.dataSync())).toEqual([5, 4, 7, 6]);
    expect(Array.from(b.y.dataSync())).toEqual([0, 1, 0, 0, 0, 0]);
    b.x.dispose();
    b.y.dispose();
  });
});

describe('imageBatches: the kernel loader (shuffle=False, drop_last=True) and 3 channels', () => {
  it('keeps row order, drops the incomplete last batch, and writes the image 3 times (+ position last)', () => {
    const d = data(10, 2, 1);
    const src = imageBatches({ data: d, rows: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), batchSize: 4, shuffle: false, seed: 0, hflip: 0, tileWidth: 1, channels: 3, dropLast: 4 });
    expect(src.numBatches()).toBe(2);
    const b = src.batch(1, 0) as { x: { shape: number[]; dataSync(): Float32Array; dispose(): void }; y: { dispose(): void } };
    expect(b.x.shape).toEqual([4, 2, 1, 3]);
    // Rows 4..7 in order; each pixel three times.
    expect(Array.from(b.x.dataSync()).slice(0, 6)).toEqual([8, 8, 8, 9, 9, 9]);
    b.x.dispose();
    b.y.dispose();
    // Fewer rows than one batch: every row is used (drop_last would leave nothing to train on).
    expect(imageBatches({ data: d, rows: Int32Array.from([0, 1]), batchSize: 4, shuffle: false, seed: 0, hflip: 0, tileWidth: 1, dropLast: 4 }).numBatches()).toBe(1);
    const dst = new Float32Array(2 * 4);
    writeImage(dst, 0, [5, 6], 2, 1, 4);
    expect(Array.from(dst)).toEqual([5, 5, 5, -1, 6, 6, 6, 1]);
  });
});

describe("get_result (the write-up's metric) next to Kaggle's KL", () => {
  it('is KLDivLoss(batchmean) on log_softmax of the probabilities, larger than Kaggle KL for a confident prediction', () => {
    const d = data(2, 1, 1);
    d.table.targets.set([0.5, 0.5, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    const pred = Float64Array.from([0.5, 0.5, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    // Perfect probabilities: Kaggle KL 0; log_softmax of them is not their log.
    expect(hmsScoreRows(klDivergenceScore, d.table, [0, 1], pred)).toBeCloseTo(0, 10);
    const row0 = 0.5 * (Math.log(0.5) - (0.5 - Math.log(2 * Math.exp(0.5) + 4))) * 2;
    const row1 = 1 * (0 - (1 - Math.log(Math.exp(1) + 5)));
    expect(getResultKL(d.table, [0, 1], pred)).toBeCloseTo((row0 + row1) / 2, 12);
    // Uniform probabilities score the same under both readings of log_softmax.
    const uni = new Float64Array(12).fill(1 / 6);
    expect(getResultKL(d.table, [0, 1], uni)).toBeCloseTo(hmsScoreRows(klDivergenceScore, d.table, [0, 1], uni), 12);
  });

  it('a run without local ImageNet weights says so', () => {
    expect(weightsNote({ variant: 'b0', weights: '' } as Parameters<typeof weightsNote>[0])).toMatch(/model\.weights is empty: b0 starts from random weights\. .*ImageNet.*--model\.weights/);
    expect(weightsNote({ variant: 'b0', weights: 'w/model.json' } as Parameters<typeof weightsNote>[0])).toBeUndefined();
  });
});

describe('StepTimer (the seed log_time)', () => {
  it('logs start and duration of each step, also when it throws', async () => {
    const lines: string[] = [];
    const t = new StepTimer((l) => lines.push(l));
    const f = t.wrap('double', async (x: number) => 2 * x);
    await expect(f(4)).resolves.toBe(8);
    await expect(t.time('boom', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(t.steps.map((s) => s.name)).toEqual(['double', 'boom (failed)']);
    expect(lines.filter((l) => /^\[time\] double took \d+\.\d{4} seconds/.test(l))).toHaveLength(1);
    expect(lines.some((l) => /^\[time\] double started at \d{4}-/.test(l))).toBe(true);
  });
});

describe('row-position channel', () => {
  it('channel 1 runs from -1 (top row) to 1 (bottom row); channel 0 is the image', () => {
    const d = data(1, 3, 2);
    const src = imageBatches({ data: d, rows: Int32Array.from([0]), batchSize: 1, shuffle: false, seed: 0, hflip: 0, tileWidth: 2, channels: 2 });
    const b = src.batch(0, 0) as { x: { shape: number[]; dataSync(): Float32Array; dispose(): void }; y: { dispose(): void } };
    expect(b.x.shape).toEqual([1, 3, 2, 2]);
    expect(Array.from(b.x.dataSync())).toEqual([0, -1, 1, -1, 2, 0, 3, 0, 4, 1, 5, 1]);
    b.x.dispose();
    b.y.dispose();
  });
});

describe('train.randomWindows', () => {
  it('windowItems lists every label window with its spectrogram row and EEG offset; start indexes them per eeg_id', () => {
    const d = data(2, 1, 1);
    d.table.eegId.set([10, 20]);
    d.table.spectrogramId.set([100, 200]);
    d.table.windows = [[{ eegOffset: 0, specOffset: 4 }], [{ eegOffset: 8, specOffset: 30 }, { eegOffset: 16, specOffset: 38 }]];
    const w = windowItems(d.table);
    expect(w.items).toEqual([
      { eegId: 10, spectrogramId: 100, specRow: 2, eegOffsetSeconds: 0 },
      { eegId: 20, spectrogramId: 200, specRow: 15, eegOffsetSeconds: 8 },
      { eegId: 20, spectrogramId: 200, specRow: 19, eegOffsetSeconds: 16 },
    ]);
    expect(Array.from(w.start)).toEqual([0, 1, 3]);
  });

  it('draws each image from one of its own row windows (both over epochs), with the eeg_id target', () => {
    const d = data(2, 1, 1);
    // Window images 100 (row 0), 200 and 201 (row 1); the grouped images are 0 and 1.
    d.windows = { x: Float32Array.from([100, 200, 201]), start: Int32Array.from([0, 1, 3]) };
    const src = imageBatches({ data: d, rows: Int32Array.from([0, 1]), batchSize: 2, shuffle: false, seed: 3, hflip: 0, tileWidth: 1, randomWindows: true });
    const seen = new Set<number>();
    for (let epoch = 0; epoch < 20; epoch++) {
      const b = src.batch(0, epoch) as { x: { dataSync(): Float32Array; dispose(): void }; y: { dataSync(): Float32Array; dispose(): void } };
      const [a, c] = Array.from(b.x.dataSync());
      expect(a).toBe(100);
      expect([200, 201]).toContain(c);
      seen.add(c);
      expect(Array.from(b.y.dataSync())).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
      b.x.dispose();
      b.y.dispose();
    }
    expect(seen).toEqual(new Set([200, 201]));
    expect(() => imageBatches({ data: data(1, 1, 1), rows: Int32Array.from([0]), batchSize: 1, shuffle: false, seed: 0, hflip: 0, tileWidth: 1, randomWindows: true })).toThrow(/data.windows/);
  });
});

describe('warmupPct', () => {
  it('keeps pct_start when the warm-up has a step, else gives a schedule with finite learning rates', () => {
    expect(warmupPct(0.1, 90)).toBe(0.1);
    for (const total of [1, 2, 5, 10]) {
      const pct = warmupPct(0.1, total);
      const s = oneCycle({ maxLr: 1e-4, totalSteps: total, pctStart: pct, divFactor: 25, finalDivFactor: 100, annealStrategy: 'cos' });
      for (let k = 0; k < total; k++) expect(Number.isFinite(s(k))).toBe(true);
    }
  });
});
