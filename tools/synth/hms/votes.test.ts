import { Rng } from './rng';
import { CLASS_PRIOR, clarity, consensus, CONFUSION, drawAnnotatorCount, drawEegVotes, trueProbabilities } from './votes';

describe('votes', () => {
  it('true probabilities sum to 1, the true class dominant unless the pattern is weak', () => {
    const jitter = new Rng(1).dirichlet([1, 1, 1, 1, 1, 1]);
    for (let cls = 0; cls < 6; cls++) {
      for (const s of [0, 0.1, 0.3, 0.6, 1]) {
        const p = trueProbabilities(cls, s, jitter);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        if (s >= 0.3) expect(Array.from(p).indexOf(Math.max(...p))).toBe(cls);
      }
      expect(trueProbabilities(cls, 0, jitter)[cls]).toBeLessThan(0.2);
      expect(CONFUSION[cls][cls]).toBe(0);
    }
    expect(clarity(1)).toBe(0.95);
    // Plausible confusions: LPD <-> GPD, LRDA <-> GRDA
    expect(CONFUSION[1][2]).toBeGreaterThan(0.3);
    expect(CONFUSION[3][4]).toBeGreaterThan(0.3);
    expect(CLASS_PRIOR.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('draws annotator counts from the two populations 1..7 and 10..28', () => {
    const rng = new Rng(2);
    const low = Array.from({ length: 2000 }, () => drawAnnotatorCount(rng, false));
    const high = Array.from({ length: 2000 }, () => drawAnnotatorCount(rng, true));
    expect(Math.min(...low)).toBe(1);
    expect(Math.max(...low)).toBeLessThanOrEqual(7);
    expect(low.filter((n) => n <= 3).length / low.length).toBeGreaterThan(0.7);
    expect(Math.min(...high)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...high)).toBeLessThanOrEqual(28);
  });

  it('breaks consensus ties towards the first class', () => {
    expect(consensus([0, 2, 2, 0, 0, 0])).toBe(1);
    expect(consensus([1, 0, 0, 0, 0, 1])).toBe(0);
    expect(consensus([0, 0, 0, 0, 0, 3])).toBe(5);
  });

  it('draws integer votes summing to the annotator count, sometimes repeating the previous row', () => {
    const rng = new Rng(3);
    const p = trueProbabilities(2, 0.8, [0.2, 0.2, 0.2, 0.2, 0.1, 0.1]);
    let copies = 0;
    for (let k = 0; k < 50; k++) {
      const v = drawEegVotes(rng, true, [p, p, p]);
      for (const row of v) {
        const n = row.reduce((a, b) => a + b, 0);
        expect(n).toBeGreaterThanOrEqual(10);
        expect(n).toBeLessThanOrEqual(28);
      }
      if (v[1].join() === v[0].join()) copies++;
    }
    expect(copies).toBeGreaterThan(15);
    expect(copies).toBeLessThan(50);
  });
});
