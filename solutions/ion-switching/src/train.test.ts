import * as fs from 'fs';
import * as path from 'path';
import type { IonSwitchingConfig } from './config';
import { accuracy, epochLrs, perGroupF1 } from './train';

const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'configs', 'base.json'), 'utf8')) as IonSwitchingConfig;

describe('dynamic learning-rate schedule', () => {
  it("reproduces the public kernel's lr_schedule (the write-up: 'dynamic learning rate scheduling') at 110 epochs: LR to 30, then LR/3, /5, ..., /13 every 10, LR/100 from 90", () => {
    const lrs = epochLrs(base.train);
    const LR = 0.0015;
    const expected = (e: number) => (e < 30 ? LR : e < 40 ? LR / 3 : e < 50 ? LR / 5 : e < 60 ? LR / 7 : e < 70 ? LR / 9 : e < 80 ? LR / 11 : e < 90 ? LR / 13 : LR / 100);
    expect(lrs).toHaveLength(110);
    lrs.forEach((lr, e) => expect([e, lr]).toEqual([e, expected(e)]));
  });
});

describe('perGroupF1', () => {
  it('scores each group over the labels present in it', () => {
    const group = Uint8Array.from([0, 0, 0, 0, 2, 2, 2, 2]);
    const y = [0, 1, 0, 1, 0, 1, 2, 3];
    const p = [0, 1, 0, 1, 0, 1, 2, 2];
    const f = perGroupF1(y, p, group);
    expect(f['1ch-slow']).toBe(1);
    // 3ch: labels 0..3 present; label 3 never predicted -> F1 0; label 2: precision 1/2, recall 1 -> 2/3
    expect(f['3ch']).toBeCloseTo((1 + 1 + 2 / 3 + 0) / 4, 12);
    expect(f['5ch']).toBeUndefined();
  });
});

describe('accuracy (the write-up\'s "metric: accuracy", reported next to macro F1)', () => {
  it('is the share of rows whose prediction equals the label', () => {
    expect(accuracy([0, 1, 2, 3], [0, 1, 1, 3])).toBe(0.75);
    expect(() => accuracy([0, 1], [0])).toThrow(/equal non-empty lengths/);
  });
});
