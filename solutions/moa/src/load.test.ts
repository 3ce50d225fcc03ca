import { DataError } from '@repro/io';
import { checkSameColumns, takeRows, treatedRows, zeroControls } from './load';
import { baselines, clipProbabilities } from './report';
import { fakeFeatures } from './testing';

describe('ctl_vehicle rows', () => {
  const f = fakeFeatures(10, 3, 5); // rows 4 and 9 are ctl_vehicle
  it('are left out of training', () => {
    expect(Array.from(treatedRows(f))).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
  });
  it('are predicted exactly 0, after clipping', () => {
    const P = new Float32Array(10 * 3).fill(0.4);
    P[0] = 0;
    P[1] = 1;
    const out = clipProbabilities(P, 1e-3, f);
    expect(out[0]).toBeCloseTo(1e-3, 9);
    expect(out[1]).toBeCloseTo(1 - 1e-3, 6);
    expect(Array.from(out.subarray(4 * 3, 5 * 3))).toEqual([0, 0, 0]);
    expect(Array.from(out.subarray(9 * 3, 10 * 3))).toEqual([0, 0, 0]);
    expect(out[5 * 3]).toBeCloseTo(0.4, 6);
    zeroControls(P, f, 3);
    expect(Array.from(P.subarray(12, 15))).toEqual([0, 0, 0]);
    expect(P[15]).toBeCloseTo(0.4, 6);
  });
  it('improve the train-mean baseline when zeroed', () => {
    const Y = new Float32Array(10 * 2);
    Y[0] = 1;
    Y[2 * 2 + 1] = 1;
    const b = baselines({ train: f, scored: { file: '', nRows: 10, sigIds: f.sigIds, names: ['a', 'b'], Y } });
    expect(b.ctlZeroTrainMeanLogLoss!).toBeLessThan(b.trainMeanLogLoss!);
    expect(b.floorLogLoss).toBeUndefined();
  });
});

describe('checks', () => {
  it('names missing and extra columns of a test file', () => {
    expect(() => checkSameColumns('t.csv', ['sig_id', 'g-0', 'x'], ['sig_id', 'g-0', 'g-1'])).toThrow(DataError);
    expect(() => checkSameColumns('t.csv', ['sig_id', 'g-0', 'x'], ['sig_id', 'g-0', 'g-1'])).toThrow(/missing 'g-1'; extra 'x'/);
    expect(() => checkSameColumns('t.csv', ['g-1', 'sig_id', 'g-0'], ['sig_id', 'g-0', 'g-1'])).not.toThrow();
  });
  it('takes rows of a row-major matrix', () => {
    expect(Array.from(takeRows(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, [2, 0]))).toEqual([5, 6, 1, 2]);
  });
});
