import { macroF1 } from '@repro/metrics';
import { applyRule, applyThresholds, expectedValue, scaledArgmax, searchClassScales, searchThresholds } from './decisionRules';
import { chooseFinal, tuneWeightsWithRule } from './ensemble';

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

  it('can start from given thresholds: never below them, and checks them', () => {
    const n = 3000;
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    const ev = Float32Array.from(y, (k, i) => k * 1.3 + ((i * 7919) % 100) / 400);
    const start = [0.6, 1.9, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5];
    const f0 = macroF1(y, applyThresholds(ev, start));
    const r = searchThresholds(ev, y, 2, 24, start);
    expect(r.f1).toBeGreaterThanOrEqual(f0);
    expect(r.roundingF1).toBeCloseTo(macroF1(y, applyThresholds(ev, Array.from({ length: 10 }, (_, k) => k + 0.5))), 12);
    expect(() => searchThresholds(ev, y, 1, 24, [2, 1, 3, 4, 5, 6, 7, 8, 9, 10])).toThrow(/10 ascending thresholds/);
  });

  it('searchClassScales lifts an under-predicted class and never scores below the argmax', () => {
    // 3 of 11 classes; class 2 is always given a little less probability than class 1 would need
    const n = 3000;
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    const p = new Float32Array(n * 11);
    for (let i = 0; i < n; i++) {
      const k = y[i];
      const row = k === 2 ? [0.1, 0.46, 0.44] : k === 1 ? [0.2, 0.6, 0.2] : [0.7, 0.2, 0.1];
      row.forEach((v, j) => (p[i * 11 + j] = v));
    }
    const argmaxF1 = macroF1(y, scaledArgmax(p, new Array(11).fill(1)));
    const r = searchClassScales(p, y, 3);
    expect(argmaxF1).toBeLessThan(0.8);
    expect(r.f1).toBeCloseTo(1, 12);
    expect(r.scales[2] / r.scales[1]).toBeGreaterThan(0.46 / 0.44);
  });

  it('searchClassScales can start from given scales: never below them, and checks them', () => {
    const n = 600;
    const y = Int32Array.from({ length: n }, (_, i) => i % 2);
    const p = new Float32Array(n * 11);
    for (let i = 0; i < n; i++) [p[i * 11], p[i * 11 + 1]] = y[i] === 1 ? [0.55, 0.45] : [0.8, 0.2];
    const start = new Array(11).fill(1);
    start[1] = 1.5; // 0.45 * 1.5 > 0.55 and 0.2 * 1.5 < 0.8: already perfect
    expect(searchClassScales(p, y, 2, start)).toEqual({ scales: start, f1: 1 });
    expect(() => searchClassScales(p, y, 1, [1, 2])).toThrow(/11 positive scales/);
  });
});

describe('weights and rule tuned together', () => {
  // Two members, each confident and right on half the rows and mildly wrong on the other half:
  // either alone scores about 0.5, their mean is right everywhere.
  const n = 2000;
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const member = (rightOn: number) => {
    const p = new Float32Array(n * 11);
    for (let i = 0; i < n; i++) {
      const right = (i >> 1) % 2 === rightOn;
      for (let k = 0; k < 3; k++) p[i * 11 + k] = k === y[i] ? (right ? 0.9 : 0.3) : right ? 0.05 : k === (y[i] + 1) % 3 ? 0.4 : 0.3;
    }
    return p;
  };
  const preds = [member(0), member(1)];
  const ones = new Array(11).fill(1);
  const rounding = Array.from({ length: 10 }, (_, k) => k + 0.5);

  it('moves the weights off a single member when the blend scores higher, never below the start', () => {
    const startF1 = macroF1(y, applyRule(preds[0], 'argmax', rounding, ones));
    expect(startF1).toBeLessThan(0.8);
    const r = tuneWeightsWithRule(preds, y, { weights: [1, 0], rule: 'argmax', thresholds: rounding, scales: ones }, 3, 2);
    expect(r.rule).toBe('class-scaled argmax');
    expect(r.f1).toBeCloseTo(1, 12);
    expect(r.weights[1]).toBeGreaterThan(0.05);
    expect(r.weights[0] + r.weights[1]).toBeCloseTo(1, 12);
    expect(macroF1(y, applyRule(preds[0].map((v, i) => r.weights[0] * v + r.weights[1] * preds[1][i]), r.rule, r.thresholds, r.scales))).toBeCloseTo(r.f1, 12);
  });

  it('keeps the threshold rule and does nothing with zero rounds', () => {
    const r = tuneWeightsWithRule(preds, y, { weights: [0.5, 0.5], rule: 'thresholds', thresholds: rounding, scales: ones }, 0, 2);
    expect(r.rule).toBe('thresholds');
    expect(Array.from(r.weights)).toEqual([0.5, 0.5]);
    expect(r.thresholds).toEqual(rounding);
  });
});

describe('chooseFinal', () => {
  it('takes the highest OOF macro F1, the earlier option on a tie, and says why', () => {
    const opts = [
      { name: 'blend', oofMacroF1: 0.87 },
      { name: 'member a alone', oofMacroF1: 0.86 },
      { name: 'rounding of the cleaned signal', oofMacroF1: 0.88 },
    ];
    const c = chooseFinal(opts);
    expect(c.index).toBe(2);
    expect(c.reason).toBe('rounding of the cleaned signal: the highest OOF macro F1 (0.88000), 0.01000 above the next, blend (0.87000)');
    expect(chooseFinal([{ name: 'blend', oofMacroF1: 0.9 }, { name: 'rounding', oofMacroF1: 0.9 }]).index).toBe(0);
    expect(chooseFinal([{ name: 'blend', oofMacroF1: 0.9 }, { name: 'rounding', oofMacroF1: 0.9 }]).reason).toMatch(/a tie goes to the earlier option/);
    expect(chooseFinal([{ name: 'x', oofMacroF1: 0.5 }]).reason).toBe('x: the only option (0.50000)');
    expect(() => chooseFinal([])).toThrow(/no option/);
  });
});
