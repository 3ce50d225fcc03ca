import { macroF1 } from '@repro/metrics';
import { applyThresholds, roundingThresholds, searchClassScales, searchClassScalesOnRows, searchThresholds, searchThresholdsOnRows } from './decisionRules';
import { applyGroupRules, rowsByGroup, tuneGroupRules } from './groupRules';
import { perGroupF1 } from './train';

let s = 7;
const uniform = () => (s = (s * 16807) % 2147483647) / 2147483647;

describe('searches on a subset of the rows', () => {
  const n = 3000;
  const y = Int32Array.from({ length: n }, (_, i) => i % 4);
  const ev = Float32Array.from(y, (k) => k + (k >= 2 ? 0.45 : 0) + (uniform() - 0.5) * 0.4);
  const p = new Float32Array(n * 11);
  y.forEach((k, i) => {
    for (let c = 0; c < 4; c++) p[i * 11 + c] = c === k ? 0.4 + uniform() * 0.2 : uniform() * (c === 0 ? 0.7 : 0.3);
  });
  const all = Int32Array.from({ length: n }, (_, i) => i);

  it('on all rows they are the whole-set searches, bit for bit', () => {
    const whole = searchThresholds(ev, y, 3);
    const sub = searchThresholdsOnRows(ev, y, new Int32Array(n), all, 3, roundingThresholds());
    expect(sub.thresholds).toEqual(whole.thresholds);
    expect(sub.f1).toBe(whole.f1);
    expect(macroF1(y, sub.labels)).toBe(sub.f1);
    const wholeS = searchClassScales(p, y, 2);
    const subS = searchClassScalesOnRows(p, y, new Int32Array(n), all, 2, new Array(11).fill(1));
    expect(subS.scales).toEqual(wholeS.scales);
    expect(subS.f1).toBe(wholeS.f1);
    expect(macroF1(y, subS.labels)).toBe(subS.f1);
  });

  it('relabel only their rows and score the macro F1 over all rows', () => {
    const rows = Int32Array.from({ length: n / 2 }, (_, j) => 2 * j);
    const held = applyThresholds(ev, roundingThresholds());
    const r = searchThresholdsOnRows(ev, y, held, rows, 3, roundingThresholds());
    for (let i = 1; i < n; i += 2) expect(r.labels[i]).toBe(held[i]);
    expect(macroF1(y, r.labels)).toBe(r.f1);
    expect(r.f1).toBeGreaterThan(macroF1(y, held));
    const c = searchClassScalesOnRows(p, y, held, rows, 2, new Array(11).fill(1));
    for (let i = 1; i < n; i += 2) expect(c.labels[i]).toBe(held[i]);
    expect(macroF1(y, c.labels)).toBe(c.f1);
  });
});

describe('tuneGroupRules', () => {
  // Group 0 (1ch-slow, 4000 rows): class 1 sits at 0.18, so the best global 0|1 threshold is below
  // it. Group 4 (10ch): its 20 rows of class 0 sit at 0.3, above that threshold, so one set of
  // thresholds gets them all wrong (the group's class-0 F1 is 0); a threshold of its own gets them right.
  const y: number[] = [];
  const group: number[] = [];
  const value: number[] = [];
  const add = (g: number, k: number, at: number, count: number) => {
    for (let j = 0; j < count; j++) (y.push(k), group.push(g), value.push(at + (uniform() - 0.5) * 0.04));
  };
  add(0, 0, 0, 2000);
  add(0, 1, 0.18, 2000);
  add(4, 0, 0.3, 20);
  add(4, 1, 1, 300);
  add(4, 2, 2, 300);
  const yy = Int32Array.from(y);
  const gg = Uint8Array.from(group);
  const vv = Float32Array.from(value);

  it('gives a group its own thresholds where one set for all rows fails it, never below the start', () => {
    const global = searchThresholds(vv, yy, 4);
    const start = applyThresholds(vv, global.thresholds);
    expect(perGroupF1(yy, start, gg)['10ch']).toBeLessThan(0.7);
    const r = tuneGroupRules({ y: yy, group: gg, labels: start, value: vv, p: null, thresholdStarts: [global.thresholds], sweeps: 4, passes: 2 });
    expect(r.f1Before).toBe(macroF1(yy, start));
    expect(r.f1).toBeGreaterThan(r.f1Before);
    expect(r.f1).toBe(macroF1(yy, r.labels));
    expect(perGroupF1(yy, r.labels, gg)['10ch']).toBe(1);
    expect(r.rules.find((x) => x.group === '10ch')?.rule).toBe('thresholds');
    // Groups without rows keep the chosen rule; the rules carry over to other rows of the same groups.
    expect(r.rules.find((x) => x.group === '3ch')?.rule).toBe('as chosen');
    expect(Array.from(applyGroupRules(start, gg, vv, null, r.rules))).toEqual(Array.from(r.labels));
  });

  it('never lowers the score and keeps the start where nothing helps', () => {
    const n = 2000;
    const yr = Int32Array.from({ length: n }, () => Math.floor(uniform() * 3));
    const gr = Uint8Array.from({ length: n }, () => Math.floor(uniform() * 5));
    const vr = Float32Array.from({ length: n }, () => uniform() * 3);
    const start = Int32Array.from(yr);
    const perfect = tuneGroupRules({ y: yr, group: gr, labels: start, value: vr, p: null, thresholdStarts: [], sweeps: 2, passes: 2 });
    expect(perfect.f1).toBe(1);
    expect(Array.from(perfect.labels)).toEqual(Array.from(yr));
    expect(perfect.rules.every((x) => x.rule === 'as chosen')).toBe(true);
    const p = Float32Array.from({ length: n * 11 }, () => uniform());
    const noisy = applyThresholds(vr, roundingThresholds());
    const r = tuneGroupRules({ y: yr, group: gr, labels: noisy, value: vr, p, thresholdStarts: [], sweeps: 2, passes: 2 });
    expect(r.f1).toBeGreaterThanOrEqual(macroF1(yr, noisy));
    expect(r.f1).toBe(macroF1(yr, r.labels));
    expect(Array.from(applyGroupRules(noisy, gr, vr, p, r.rules))).toEqual(Array.from(r.labels));
  });

  it('rowsByGroup lists each group\'s rows in order', () => {
    expect(rowsByGroup(Uint8Array.from([4, 0, 4, 2])).map((r) => Array.from(r))).toEqual([[1], [], [3], [], [0, 2]]);
  });
});
