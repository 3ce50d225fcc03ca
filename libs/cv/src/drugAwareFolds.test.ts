import { drugAwareFolds } from './drugAwareFolds';
import { foldIds } from './fold';
import { createRng } from './random';
import { expectPartition, sameFolds } from './testing';

/** MoA-like data: small drugs (rows share the drug's labels), a few large drugs, and controls. */
function makeData(seed: number) {
  const rng = createRng(seed);
  const nCols = 8;
  const drugs: string[] = [];
  const rows: number[][] = [];
  const addDrug = (id: string, n: number, labels: number[], noisy: boolean) => {
    for (let i = 0; i < n; i++) {
      drugs.push(id);
      const y = new Array(nCols).fill(0);
      for (const c of labels) if (!noisy || rng.next() < 0.7) y[c] = 1;
      rows.push(y);
    }
  };
  for (let d = 0; d < 80; d++) {
    const labels = rng.next() < 0.15 ? [] : [rng.int(nCols)].concat(rng.next() < 0.2 ? [rng.int(nCols)] : []);
    addDrug(`drug_${String(d).padStart(3, '0')}`, [6, 12, 18][rng.int(3)], labels, false);
  }
  addDrug('big_a', 120, [1, 2], true);
  addDrug('big_b', 60, [5], true);
  addDrug('control', 300, [], false);
  // Interleave rows so drugs are not contiguous, as in the real train set.
  const order = rng.shuffle(Array.from({ length: drugs.length }, (_, i) => i));
  return {
    drugs: order.map((i) => drugs[i]),
    Y: Float32Array.from(order.flatMap((i) => rows[i])),
    nCols,
  };
}

describe('drugAwareFolds', () => {
  const { drugs, Y, nCols } = makeData(21);

  it('never splits a drug with <= threshold rows and spreads larger drugs over all folds', () => {
    const ids = expectPartition(drugAwareFolds(drugs, Y, nCols, { nSplits: 5, seed: 42 }), drugs.length, 5);
    const foldsOf = new Map<string, Set<number>>();
    drugs.forEach((d, i) => foldsOf.set(d, (foldsOf.get(d) ?? new Set()).add(ids[i])));
    let small = 0;
    for (const [d, set] of foldsOf) {
      if (d.startsWith('drug_')) {
        small++;
        expect({ d, folds: set.size }).toEqual({ d, folds: 1 });
      } else {
        expect({ d, folds: set.size }).toEqual({ d, folds: 5 });
      }
    }
    expect(small).toBe(80);
    // Large-drug rows: fold sizes balanced, and each label's positives among them too.
    const large = drugs.map((d, i) => i).filter((i) => !drugs[i].startsWith('drug_'));
    const sizes = [0, 1, 2, 3, 4].map((k) => large.filter((i) => ids[i] === k).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (const c of [1, 2, 5]) {
      const perFold = [0, 1, 2, 3, 4].map((k) => large.filter((i) => Y[i * nCols + c] && ids[i] === k).length);
      const total = perFold.reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(30);
      for (const n of perFold) expect(Math.abs(n - total / 5)).toBeLessThanOrEqual(1.5);
    }
  });

  it('respects the threshold: with threshold 11 the 12- and 18-row drugs are split by row', () => {
    const ids = foldIds(drugAwareFolds(drugs, Y, nCols, { nSplits: 5, seed: 42, threshold: 11 }), drugs.length);
    const foldsOf = new Map<string, Set<number>>();
    drugs.forEach((d, i) => foldsOf.set(d, (foldsOf.get(d) ?? new Set()).add(ids[i])));
    const count = (d: string) => drugs.filter((x) => x === d).length;
    let splitLarge = 0;
    for (const [d, set] of foldsOf) {
      if (count(d) <= 11) expect(set.size).toBe(1);
      else if (d.startsWith('drug_') && set.size > 1) splitLarge++;
    }
    expect(splitLarge).toBeGreaterThan(10);
  });

  it('is deterministic per seed and accepts numeric drug ids', () => {
    const a = drugAwareFolds(drugs, Y, nCols, { seed: 1 });
    expect(sameFolds(a, drugAwareFolds(drugs, Y, nCols, { seed: 1 }))).toBe(true);
    expect(sameFolds(a, drugAwareFolds(drugs, Y, nCols, { seed: 2 }))).toBe(false);
    const codes = new Map(Array.from(new Set(drugs)).map((d, i) => [d, i * 3]));
    expectPartition(drugAwareFolds(drugs.map((d) => codes.get(d)!), Y, nCols, { seed: 1 }), drugs.length, 5);
  });

  it('names bad parameters', () => {
    expect(() => drugAwareFolds(['a', 'b'], new Float32Array(5), 2, { nSplits: 2 })).toThrow(
      /Y\.length must be drugIds\.length \* nCols \(4\), received 5/,
    );
    expect(() => drugAwareFolds(['a', 'b'], new Float32Array(4), 2, { nSplits: 2, threshold: -1 })).toThrow(
      /threshold must be an integer >= 0, received -1/,
    );
  });
});

