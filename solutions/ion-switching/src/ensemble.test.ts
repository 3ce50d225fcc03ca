import { macroF1 } from '@repro/metrics';
import { applyThresholds, expectedValue, searchThresholds } from './ensemble';

describe('threshold search on the expected value', () => {
  it('applyThresholds counts the thresholds below each value; k + 0.5 is rounding', () => {
    const th = Array.from({ length: 10 }, (_, k) => k + 0.5);
    expect(Array.from(applyThresholds([0.2, 0.6, 3.49, 3.51, 10.4, 12], th))).toEqual([0, 1, 3, 4, 10, 10]);
  });

  it('expectedValue is sum k p_k of each row (renormalised)', () => {
    const p = new Float32Array(22);
    p[3] = 1;
    p[11 + 1] = 0.5;
    p[11 + 2] = 0.5;
    expect(Array.from(expectedValue(p))).toEqual([3, 1.5]);
  });

  it('finds thresholds that undo a biased expected value, and never scores below rounding', () => {
    // labels 0..4; the expected value is shifted up by 0.55 for labels >= 2 (a calibration bias)
    const n = 5000;
    const y = Int32Array.from({ length: n }, (_, i) => i % 5);
    let s = 1;
    const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.3;
    const ev = Float32Array.from(y, (k) => k + (k >= 2 ? 0.55 : 0) + noise());
    const r = searchThresholds(ev, y, 4);
    expect(r.roundingF1).toBeCloseTo(macroF1(y, applyThresholds(ev, Array.from({ length: 10 }, (_, k) => k + 0.5))), 12);
    expect(r.roundingF1).toBeLessThan(0.9);
    expect(r.f1).toBeGreaterThan(0.99);
    expect(r.thresholds).toEqual([...r.thresholds].sort((a, b) => a - b));
  });
});
