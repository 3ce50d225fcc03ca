/**
 * Writes a synthetic MoA data set in the real Kaggle layout, plus truth.json
 * and truth_*.npy: the probabilities every label was drawn from, drug
 * membership (test included), the latent model, and the figures a model is
 * measured against (the label-noise floor and the trivial baselines).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  MOA_CP_DOSES,
  MOA_CP_TIMES,
  MOA_CP_TYPES,
  MOA_FEATURE_COLUMNS,
  MOA_FILES,
  MOA_KAGGLE,
  MOA_NONSCORED_TARGETS,
  MOA_SCORED_TARGETS,
  saveNpy,
  withAtomicPath,
  writeCsv,
  writeJson,
} from '@repro/io';
import { columnwiseLogLoss } from '@repro/metrics';
import { synthProgress } from '../progress';
import { SynthStopped, type SynthOptions, type SynthSummary } from '../types';
import { planMoaLayout, type DrugPlan, type RowSet } from './layout';
import { buildLatentModel, LATENT_PARAMS, synthesizeFeatures } from './latentModel';
import { Rng } from './rng';
import { buildTargetModel, drawLabels, rowProbabilities, TARGET_PARAMS } from './targets';
import { moaVariant } from './variants';

export const COMPETITION = 'moa';

/** Truth files written beside truth.json. */
export const MOA_TRUTH_FILES = {
  trainScoredProb: 'truth_train_scored_prob.npy',
  testScoredProb: 'truth_test_scored_prob.npy',
  testTargetsScored: 'truth_test_targets_scored.npy',
  trainDrugIndex: 'truth_train_drug_index.npy',
  testDrugIndex: 'truth_test_drug_index.npy',
  testDrug: 'truth_test_drug.csv',
  geneLoadings: 'truth_gene_loadings.npy',
  mechanismPathways: 'truth_mechanism_pathways.npy',
} as const;

export interface MoaTruth extends SynthSummary {
  heldOut: boolean;
  variantDescription: string;
  truth: {
    rows: { train: number; test: number; trainCtl: number; testCtl: number };
    drugs: Array<{
      id: string;
      kind: DrugPlan['kind'];
      nTrain: number;
      nTest: number;
      potency: number;
      toxicity: number;
      labelProb: number;
      scored: string[];
      nonscored: string[];
    }>;
    targets: {
      scoredBackgroundRate: number[];
      scoredBackgroundRateWithMechanism: number[];
      trainScoredPositives: number[];
      testScoredPositives: number[];
      trainNonscoredPositives: number[];
    };
    params: { target: typeof TARGET_PARAMS; latent: typeof LATENT_PARAMS };
    stats: Record<string, number | number[]>;
    files: typeof MOA_TRUTH_FILES;
  };
}

/** The scored block (first nScored columns) of a row-major rows x nAll matrix. */
function scoredBlock<T extends Float32Array | Uint8Array>(M: T, nRows: number, nAll: number, nScored: number): T {
  const out = new (M.constructor as new (n: number) => T)(nRows * nScored);
  for (let i = 0; i < nRows; i++) out.set(M.subarray(i * nAll, i * nAll + nScored), i * nScored);
  return out;
}

/** A 0/1 targets file: sig_id then columns [from, from + names.length) of the row-major labels (rows x nAll). */
async function writeLabels(file: string, sigIds: readonly string[], Y: Uint8Array, nAll: number, from: number, names: readonly string[]): Promise<void> {
  const w = names.length;
  await withAtomicPath(file, async (tmp) => {
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.write(['sig_id', ...names].join(',') + '\n');
      const cells = new Array<string>(w + 1);
      for (let start = 0; start < sigIds.length; start += 2048) {
        const end = Math.min(sigIds.length, start + 2048);
        const lines: string[] = [];
        for (let i = start; i < end; i++) {
          cells[0] = sigIds[i];
          for (let j = 0; j < w; j++) cells[j + 1] = Y[i * nAll + from + j] ? '1' : '0';
          lines.push(cells.join(','));
        }
        await fh.write(lines.join('\n') + '\n');
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

/** "%.4f" text of k / 1e4 for every k in [-LIMIT, LIMIT] (g- and c- values are clipped to +-10 and already rounded). */
const FIXED4_LIMIT = 100000;
let fixed4Table: string[] | null = null;
function fixed4(): string[] {
  if (!fixed4Table) fixed4Table = Array.from({ length: 2 * FIXED4_LIMIT + 1 }, (_, k) => ((k - FIXED4_LIMIT) / 1e4).toFixed(4));
  return fixed4Table;
}

/**
 * train_features.csv / test_features.csv. Written directly rather than with
 * writeCsv: 24M values at kaggle scale, and a table lookup per value (the
 * same text as toFixed(4)) is several times faster than formatting each.
 */
async function writeFeatures(
  file: string,
  rows: RowSet,
  drugs: DrugPlan[],
  genes: Float32Array,
  cells: Float32Array,
  onRows: (n: number) => void = () => undefined,
): Promise<void> {
  const n = rows.sigIds.length;
  const G = MOA_KAGGLE.genes;
  const C = MOA_KAGGLE.cells;
  const table = fixed4();
  const text = (v: number): string => {
    const k = Math.round(v * 1e4);
    if (!(k >= -FIXED4_LIMIT && k <= FIXED4_LIMIT)) throw new RangeError(`writeFeatures: value ${v} is outside [-10, 10]`);
    return table[k + FIXED4_LIMIT];
  };
  await withAtomicPath(file, async (tmp) => {
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.write(MOA_FEATURE_COLUMNS.join(',') + '\n');
      const parts = new Array<string>(4 + G + C);
      for (let start = 0; start < n; start += 1024) {
        const end = Math.min(n, start + 1024);
        const lines: string[] = [];
        for (let i = start; i < end; i++) {
          parts[0] = rows.sigIds[i];
          parts[1] = MOA_CP_TYPES[drugs[rows.drug[i]].kind === 'ctl' ? 1 : 0];
          parts[2] = String(MOA_CP_TIMES[rows.time[i]]);
          parts[3] = MOA_CP_DOSES[rows.dose[i]];
          for (let g = 0; g < G; g++) parts[4 + g] = text(genes[g * n + i]);
          for (let c = 0; c < C; c++) parts[4 + G + c] = text(cells[c * n + i]);
          lines.push(parts.join(','));
        }
        await fh.write(lines.join('\n') + '\n');
        onRows(end - start);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

function columnMeans(Y: Uint8Array, nRows: number, nCols: number, include: (i: number) => boolean): Float64Array {
  const m = new Float64Array(nCols);
  let count = 0;
  for (let i = 0; i < nRows; i++) {
    if (!include(i)) continue;
    count++;
    for (let j = 0; j < nCols; j++) m[j] += Y[i * nCols + j];
  }
  for (let j = 0; j < nCols; j++) m[j] /= Math.max(1, count);
  return m;
}

function predictMeans(means: Float64Array, nRows: number, zeroRow: (i: number) => boolean): Float64Array {
  const nCols = means.length;
  const P = new Float64Array(nRows * nCols);
  for (let i = 0; i < nRows; i++) if (!zeroRow(i)) P.set(means, i * nCols);
  return P;
}

function columnSums(Y: Uint8Array, nRows: number, nAll: number, from: number, to: number): number[] {
  const s = new Array<number>(to - from).fill(0);
  for (let i = 0; i < nRows; i++) for (let j = from; j < to; j++) s[j - from] += Y[i * nAll + j];
  return s;
}

/** Pairs of c- columns (column-major block) whose Pearson correlation exceeds `thr`. */
function correlatedPairs(X: Float32Array, n: number, nCols: number, thr: number): number {
  const z = new Float64Array(n * nCols);
  for (let c = 0; c < nCols; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X[c * n + i];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (X[c * n + i] - mean) ** 2;
    const sd = Math.sqrt(ss) || 1;
    for (let i = 0; i < n; i++) z[c * n + i] = (X[c * n + i] - mean) / sd;
  }
  let count = 0;
  for (let a = 0; a < nCols; a++) {
    for (let b = a + 1; b < nCols; b++) {
      let r = 0;
      for (let i = 0; i < n; i++) r += z[a * n + i] * z[b * n + i];
      if (r > thr) count++;
    }
  }
  return count;
}

function round(v: number, digits = 6): number {
  return Number(v.toFixed(digits));
}

export async function generateMoa(options: SynthOptions): Promise<MoaTruth> {
  const t0 = Date.now();
  const { outDir, scale, seed } = options;
  const log = options.log ?? (() => undefined);
  const at = (f: string): string => path.join(outDir, f);
  fs.mkdirSync(outDir, { recursive: true });

  const variantName = options.variant ?? 'default';
  const variant = moaVariant(variantName);
  const layout = planMoaLayout(scale, seed);
  const { drugs, train, test } = layout;
  const targets = buildTargetModel(layout, seed, variant.target);
  const latent = buildLatentModel(targets, drugs, seed, variant.latent);
  const nS = targets.nScored;
  const nAll = targets.mechanisms.length;
  const nTrain = train.sigIds.length;
  const nTest = test.sigIds.length;
  log(`moa: ${nTrain} train / ${nTest} test rows, ${drugs.length} drugs (scale ${scale}, seed ${seed}${variantName !== 'default' ? `, variant ${variantName}` : ''})`);

  const trainX = synthesizeFeatures(latent, drugs, train, new Rng(seed, 4), variant.latent);
  const testX = synthesizeFeatures(latent, drugs, test, new Rng(seed, 5), variant.latent);
  const Ptrain = rowProbabilities(targets, drugs, train);
  const Ptest = rowProbabilities(targets, drugs, test);
  const Ytrain = drawLabels(Ptrain, new Rng(seed, 6));
  const Ytest = drawLabels(Ptest, new Rng(seed, 7));
  log(`moa: features and labels drawn (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  // A resumed build (options.resume) keeps the large files already in place: everything is drawn
  // again from the seed above, so they hold exactly what would be written.
  const kept = (f: string): boolean => options.resume === true && fs.existsSync(at(f));
  const keptRows = (kept(MOA_FILES.trainFeatures) ? nTrain : 0) + (kept(MOA_FILES.testFeatures) ? nTest : 0);
  if (keptRows > 0) log(`moa: resuming: keeping the feature files already written`);
  const bar = scale === 'smoke' ? null : synthProgress('moa feature rows', nTrain + nTest, { start: keptRows });
  try {
    if (!kept(MOA_FILES.trainFeatures)) await writeFeatures(at(MOA_FILES.trainFeatures), train, drugs, trainX.genes, trainX.cells, (n) => bar?.increment(n));
    if (!kept(MOA_FILES.testFeatures)) await writeFeatures(at(MOA_FILES.testFeatures), test, drugs, testX.genes, testX.cells, (n) => bar?.increment(n));
  } finally {
    bar?.stop();
  }
  log(`moa: feature files written (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (options.stopAfter !== undefined) throw new SynthStopped(`moa: stopped after the feature files (--stop-after)`);
  const sig = { name: 'sig_id', values: train.sigIds };
  if (!kept(MOA_FILES.trainTargetsScored)) await writeLabels(at(MOA_FILES.trainTargetsScored), train.sigIds, Ytrain, nAll, 0, MOA_SCORED_TARGETS);
  if (!kept(MOA_FILES.trainTargetsNonscored)) await writeLabels(at(MOA_FILES.trainTargetsNonscored), train.sigIds, Ytrain, nAll, nS, MOA_NONSCORED_TARGETS);
  await writeCsv(at(MOA_FILES.trainDrug), [sig, { name: 'drug_id', values: Array.from(train.drug, (d) => drugs[d].id) }]);
  const half = new Float32Array(nTest).fill(0.5);
  await writeCsv(at(MOA_FILES.sampleSubmission), [
    { name: 'sig_id', values: test.sigIds },
    ...MOA_SCORED_TARGETS.map((name) => ({ name, values: half })),
  ]);
  log(`moa: target files written (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  // Truth arrays.
  const PtrainS = scoredBlock(Ptrain, nTrain, nAll, nS);
  const PtestS = scoredBlock(Ptest, nTest, nAll, nS);
  const YtrainS = scoredBlock(Ytrain, nTrain, nAll, nS);
  const YtestS = scoredBlock(Ytest, nTest, nAll, nS);
  saveNpy(at(MOA_TRUTH_FILES.trainScoredProb), PtrainS, [nTrain, nS]);
  saveNpy(at(MOA_TRUTH_FILES.testScoredProb), PtestS, [nTest, nS]);
  saveNpy(at(MOA_TRUTH_FILES.testTargetsScored), YtestS, [nTest, nS]);
  saveNpy(at(MOA_TRUTH_FILES.trainDrugIndex), train.drug, [nTrain]);
  saveNpy(at(MOA_TRUTH_FILES.testDrugIndex), test.drug, [nTest]);
  saveNpy(at(MOA_TRUTH_FILES.geneLoadings), latent.geneLoadings, [latent.K, MOA_KAGGLE.genes]);
  saveNpy(at(MOA_TRUTH_FILES.mechanismPathways), latent.mechanismPathways, [nAll, latent.K]);
  await writeCsv(at(MOA_TRUTH_FILES.testDrug), [
    { name: 'sig_id', values: test.sigIds },
    { name: 'drug_id', values: Array.from(test.drug, (d) => drugs[d].id) },
  ]);

  log(`moa: truth arrays written (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  // Figures: the label-noise floor and the trivial baselines, on train and on test.
  const ctlTrain = (i: number): boolean => drugs[train.drug[i]].kind === 'ctl';
  const ctlTest = (i: number): boolean => drugs[test.drug[i]].kind === 'ctl';
  const meanAll = columnMeans(YtrainS, nTrain, nS, () => true);
  const meanTrt = columnMeans(YtrainS, nTrain, nS, (i) => !ctlTrain(i));
  const figures = {
    floorLogLoss: columnwiseLogLoss(YtrainS, PtrainS, nS),
    trainMeanLogLoss: columnwiseLogLoss(YtrainS, predictMeans(meanAll, nTrain, () => false), nS),
    ctlZeroTrainMeanLogLoss: columnwiseLogLoss(YtrainS, predictMeans(meanTrt, nTrain, ctlTrain), nS),
    testFloorLogLoss: columnwiseLogLoss(YtestS, PtestS, nS),
    testTrainMeanLogLoss: columnwiseLogLoss(YtestS, predictMeans(meanAll, nTest, () => false), nS),
    testCtlZeroTrainMeanLogLoss: columnwiseLogLoss(YtestS, predictMeans(meanTrt, nTest, ctlTest), nS),
  };

  const trainPos = columnSums(Ytrain, nTrain, nAll, 0, nS);
  const perRow = new Array<number>(6).fill(0);
  for (let i = 0; i < nTrain; i++) {
    let k = 0;
    for (let j = 0; j < nS; j++) k += YtrainS[i * nS + j];
    perRow[Math.min(k, 5)]++;
  }
  const nonscoredPos = columnSums(Ytrain, nTrain, nAll, nS, nAll);
  let cMin = Infinity;
  let cMax = -Infinity;
  let cAtFloor = 0;
  for (const v of trainX.cells) {
    if (v < cMin) cMin = v;
    if (v > cMax) cMax = v;
    if (v <= -10) cAtFloor++;
  }
  let gMin = Infinity;
  let gMax = -Infinity;
  for (const v of trainX.genes) {
    if (v < gMin) gMin = v;
    if (v > gMax) gMax = v;
  }
  const sorted = [...trainPos].sort((a, b) => a - b);
  const stats = {
    scoredPositivesMin: sorted[0],
    scoredPositivesMedian: sorted[Math.floor(nS / 2)],
    scoredPositivesMax: sorted[nS - 1],
    scoredColumnsUnder20Positives: trainPos.filter((p) => p < 20).length,
    scoredColumnsWithoutPositives: trainPos.filter((p) => p === 0).length,
    nonscoredColumnsWithoutPositives: nonscoredPos.filter((p) => p === 0).length,
    /** Train rows with 0, 1, 2, 3, 4, 5+ scored positives. */
    rowsByScoredPositives: perRow,
    cellPairsCorrelationAbove09: correlatedPairs(trainX.cells, nTrain, MOA_KAGGLE.cells, 0.9),
    cellMin: cMin,
    cellMax: cMax,
    cellValuesAtMinus10: cAtFloor,
    geneMin: gMin,
    geneMax: gMax,
    largeDrugs: drugs.filter((d) => d.kind === 'large').length,
    trainDrugs: drugs.filter((d) => d.nTrain > 0).length,
    testDrugs: drugs.filter((d) => d.nTest > 0).length,
  };

  const files = [
    ...Object.values(MOA_FILES),
    ...Object.values(MOA_TRUTH_FILES),
  ];
  const summary: MoaTruth = {
    competition: COMPETITION,
    scale,
    seed,
    variant: variantName,
    heldOut: variant.heldOut,
    variantDescription: variant.description,
    files,
    figures: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v, 8)])),
    seconds: 0,
    truth: {
      rows: {
        train: nTrain,
        test: nTest,
        trainCtl: Array.from(train.drug).filter((d) => drugs[d].kind === 'ctl').length,
        testCtl: Array.from(test.drug).filter((d) => drugs[d].kind === 'ctl').length,
      },
      drugs: drugs.map((d, i) => ({
        id: d.id,
        kind: d.kind,
        nTrain: d.nTrain,
        nTest: d.nTest,
        potency: round(latent.drugPotency[i]),
        toxicity: round(latent.drugToxicity[i]),
        labelProb: round(targets.drugs[i].labelProb),
        scored: targets.drugs[i].mechanisms.filter((j) => j < nS).map((j) => targets.mechanisms[j].name),
        nonscored: targets.drugs[i].mechanisms.filter((j) => j >= nS).map((j) => targets.mechanisms[j].name),
      })),
      targets: {
        scoredBackgroundRate: Array.from(targets.background.subarray(0, nS), (b) => round(b, 8)),
        scoredBackgroundRateWithMechanism: Array.from(targets.backgroundWithMechanism.subarray(0, nS), (b) => round(b, 8)),
        trainScoredPositives: trainPos,
        testScoredPositives: columnSums(Ytest, nTest, nAll, 0, nS),
        trainNonscoredPositives: nonscoredPos,
      },
      params: { target: variant.target, latent: variant.latent },
      stats,
      files: MOA_TRUTH_FILES,
    },
  };
  // `seconds` is the one field that varies between identical runs; everything else is a function of (scale, seed).
  summary.seconds = round((Date.now() - t0) / 1000, 2);
  writeJson(at('truth.json'), summary);
  log(`moa: done in ${summary.seconds} s`);
  return summary;
}
