// Small in-memory MoA inputs for the unit tests.
import { MOA_CELL_COLUMNS, MOA_FEATURE_COLUMNS, MOA_GENE_COLUMNS, MoaFeatures } from '@repro/io';

/** Deterministic pseudo-random numbers in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** n rows of MoA features; every `ctlEvery`-th row is ctl_vehicle. */
export function fakeFeatures(n: number, seed = 1, ctlEvery = 5): MoaFeatures {
  const r = lcg(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const genes = Float32Array.from({ length: n * 772 }, () => gauss() * 2 + 0.5);
  const cells = Float32Array.from({ length: n * 100 }, () => gauss() - 1);
  const cpType = Uint8Array.from({ length: n }, (_, i) => (i % ctlEvery === ctlEvery - 1 ? 1 : 0));
  const cpTime = Int32Array.from({ length: n }, (_, i) => [24, 48, 72][i % 3]);
  const cpDose = Uint8Array.from({ length: n }, (_, i) => (i >> 1) % 2);
  return {
    file: 'fake.csv',
    nRows: n,
    header: [...MOA_FEATURE_COLUMNS],
    sigIds: Array.from({ length: n }, (_, i) => `id_${seed}_${i}`),
    cpType,
    cpTime,
    cpDose,
    raw: { cpType: [], cpTime: [], cpDose: [] },
    genes,
    cells,
    geneNames: MOA_GENE_COLUMNS,
    cellNames: MOA_CELL_COLUMNS,
    featureNames: [...MOA_GENE_COLUMNS, ...MOA_CELL_COLUMNS],
  };
}
