import { lagFeatureNames, lagFeatures, shiftWindow, signalSquared } from './lagFeatures';
import { matrixToRows } from './matrix';

describe('lagFeatures', () => {
  const signal = [1, 2, 3, 4, 5, 6];

  it("shifts like pandas' shift(k) and fills outside the signal", () => {
    const m = lagFeatures(signal, { lags: [-1, 0, 2] });
    expect(matrixToRows(m)).toEqual([
      [2, 1, 0],
      [3, 2, 0],
      [4, 3, 1],
      [5, 4, 2],
      [6, 5, 3],
      [0, 6, 4],
    ]);
    expect(lagFeatureNames([-1, 0, 2])).toEqual(['signal_shift_-1', 'signal_shift_0', 'signal_shift_2']);
  });

  it('never crosses a batch edge and uses the fill value there', () => {
    const m = lagFeatures(signal, { lags: [1, -1], groupLength: 3, fill: -9 });
    expect(matrixToRows(m)).toEqual([
      [-9, 2],
      [1, 3],
      [2, -9],
      [-9, 5],
      [4, 6],
      [5, -9],
    ]);
  });

  it('builds lags -3..3 over several batches consistently with shiftWindow', () => {
    const s = Array.from({ length: 23 }, (_, i) => Math.sin(i));
    const lags = [-3, -2, -1, 0, 1, 2, 3];
    const m = lagFeatures(s, { lags, groupLength: 10 });
    const w = shiftWindow(s, 3, 10);
    // window column j holds offset j - 3 = signal[i + j - 3], i.e. pandas lag 3 - j
    for (let i = 0; i < s.length; i++) {
      for (let j = 0; j < 7; j++) expect(w.data[i * 7 + j]).toBeCloseTo(m.data[i * 7 + lags.indexOf(3 - j)], 6);
    }
  });

  it('signalSquared squares element-wise', () => {
    expect(Array.from(signalSquared([-2, 0.5, 3]))).toEqual([4, 0.25, 9]);
  });

  it('names the bad parameter, expected and received', () => {
    expect(() => lagFeatures(signal, { lags: [] })).toThrow(/lagFeatures: lags must list at least one shift/);
    expect(() => lagFeatures(signal, { lags: [0.5] })).toThrow(/lagFeatures: lags must be integers, received 0.5/);
    expect(() => lagFeatures(signal, { lags: [1], groupLength: 0 })).toThrow(/lagFeatures: groupLength must be a positive integer, received 0/);
  });
});

describe('shiftWindow', () => {
  it('is rows x (2h+1), past to future, float32, filled at batch edges', () => {
    const w = shiftWindow([1, 2, 3, 4, 5], 1, 5);
    expect(w.data).toBeInstanceOf(Float32Array);
    expect([w.rows, w.cols]).toEqual([5, 3]);
    expect(matrixToRows(w)).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
      [4, 5, 0],
    ]);
    const g = shiftWindow([1, 2, 3, 4], 2, 2, NaN);
    expect(matrixToRows(g)[2]).toEqual([NaN, NaN, 3, 4, NaN]);
  });

  it('names the bad parameter', () => {
    expect(() => shiftWindow([1, 2], -1)).toThrow(/shiftWindow: halfWidth must be a non-negative integer, received -1/);
  });
});
