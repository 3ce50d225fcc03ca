// The configuration of the MoA solution: every field of configs/base.json, typed.
// configs/smoke.json, default.json and kaggle.json extend base and override fields.
import { DataError } from '@repro/io';

export const MEMBER_KINDS = ['dense', 'cnn1d', 'tabnet', 'transfer'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

/** What every member has: CV, seeds, epochs. */
export interface MemberCommon {
  /** Drug-aware MultilabelStratifiedKFold splits (seed 001: dense 7, cnn1d 6, tabnet 13; seed 004: 7). */
  folds: number;
  /** Seed averaging (seed 004): one full CV per seed (folds re-drawn with it), predictions averaged. */
  seeds: number[];
  epochs: number;
  batchSize: number;
  /** Return the best validation epoch's weights rather than the last (the seeds' Keras fit keeps the last). */
  restoreBest: boolean;
  /** Stop after this many epochs without a validation-loss improvement; 0 = never. */
  earlyStoppingPatience: number;
  /**
   * Start the output layer's bias at logit(training prior) per target instead of 0 (not in the
   * seeds: they start every target at p = 0.5 and need thousands of steps to get down to the
   * ~0.3% positive rate; short CPU runs use it). No effect on tabnet (its final mapping has no bias).
   */
  priorBias: boolean;
}

export interface DenseConfig extends MemberCommon {
  /** Gene / cell PCA components feeding head 1 (seed 001: 50 + 10 = 60). */
  pcaGenes: number;
  pcaCells: number;
  widths1: number[];
  widths2: number[];
  tailWidth: number;
  dropout1: number;
  dropout2: number;
  /** Keras Adam(lr, decay) (seed 001: 1e-4, 1e-4). */
  learningRate: number;
  decay: number;
  /** BinaryCrossentropy(label_smoothing) (seed 001: 0.001). */
  labelSmoothing: number;
}

export interface Cnn1dConfig extends MemberCommon {
  /** 'raw': the 872 features as read; 'rankgauss': after the RankGauss transform. */
  input: 'raw' | 'rankgauss';
  filters: number[];
  kernelSize: number;
  denseWidths: number[];
  /** Keras Adam(lr) (seed 001: 1e-4). */
  learningRate: number;
  labelSmoothing: number;
}

export interface TabnetConfig extends MemberCommon {
  /**
   * Input columns. 'seed001': seed 001's list, unfiltered: the 875 dataset features (cp_type,
   * cp_time, cp_dose as integer codes + 872 RankGauss'd genes/cells), every gene and cell PCA
   * component, one cluster-label column per K-Means clustering, the 15 row statistics
   * (875 + 600 + 50 + 3 + 15 = 1,543 at the seed's settings). 'seed004': the transfer member's
   * variance-selected set with one-hot clusters.
   */
  inputs: 'seed001' | 'seed004';
  nD: number;
  nA: number;
  nSteps: number;
  gamma: number;
  nIndependent: number;
  nShared: number;
  virtualBatchSize: number;
  momentum: number;
  maskType: 'sparsemax' | 'entmax15';
  lambdaSparse: number;
  /** torch Adam(lr, weight_decay) (the public MoA TabNet: 2e-2, 1e-5). */
  learningRate: number;
  weightDecay: number;
  /** ReduceLROnPlateau on val loss (mode min). */
  plateau: { patience: number; factor: number; minLr: number };
  /** SmoothBCEwLogits smoothing (seed 001 says BCE: 0; the public TabNet kernel used 5e-5). */
  labelSmoothing: number;
}

export interface TransferConfig extends MemberCommon {
  /** Seed 004's MLP: hidden widths and dropouts of the blocks BN -> Dropout -> Dense leaky_relu. */
  hidden: number[];
  dropout: number[];
  /** Step 1's epochs (skipped when 0 or when train_targets_nonscored.csv is absent); `epochs` is step 2's. */
  pretrainEpochs: number;
  /** Step 1's targets: 'all' = scored + non-scored (206 + 402, the kernel's ALL_TARGETS), or 'nonscored' only. */
  pretrainTargets: 'all' | 'nonscored';
  /** Step 1's torch Adam weight_decay and OneCycle max_lr / div_factor (the kernel's ALL_TARGETS values). */
  pretrainWeightDecay: number;
  pretrainMaxLr: number;
  pretrainDivFactor: number;
  /** Step 2 unfreezes one block from the top every floor(epochs / (blocks)) epochs. */
  unfreeze: boolean;
  /**
   * Step 2 (the scored targets; the only step without pre-training): torch Adam(lr, weight_decay)
   * + OneCycleLR(maxLr, pctStart, divFactor) (the kernel's SCORED_ONLY values). `learningRate` is
   * Adam's constructor value, which OneCycle replaces from the first step; `pctStart` serves both steps.
   */
  learningRate: number;
  weightDecay: number;
  maxLr: number;
  pctStart: number;
  divFactor: number;
  /** SmoothBCEwLogits smoothing, both steps. */
  labelSmoothing: number;
}

export interface MoaConfig {
  /** `--max-steps N`: optimizer steps per training (member, fold, seed, stage), then a projection of the full recipe's time. Not in the config files. */
  maxSteps?: number;
  data: {
    /** Folder in Kaggle's layout; --data-dir overrides. */
    dir: string;
  };
  features: {
    /** RankGauss: QuantileTransformer(n_quantiles, output 'normal') on genes+cells. */
    nQuantiles: number;
    /** Rows the unsupervised transforms (RankGauss, PCA, K-Means, variance) are fitted on: seed 004 fits on train+test. */
    fitOn: 'train+test' | 'train';
    /** PCA components of the genes / cells (seed 004 family: 600 / 50); dense's head 1 takes the first of them. */
    pcaGenes: number;
    pcaCells: number;
    /** VarianceThreshold on [genes, cells, gene PCA, cell PCA] (public kernels: 0.8). */
    varianceThreshold: number;
    /** K-Means cluster labels (one-hot) of genes, cells and the PCA features; 0 clusters = off. */
    kmeans: { genes: number; cells: number; pca: number; nInit: number; maxIter: number };
  };
  /** Members trained by `train` and blended by `ensemble`, in order. */
  members: MemberKind[];
  /**
   * Processes training members in parallel (1: one after the other in this process). The wasm
   * backend computes on one thread, so 2 use both cores of a 2-core machine; the features are
   * fitted once and handed to the workers.
   */
  workers: number;
  dense: DenseConfig;
  cnn1d: Cnn1dConfig;
  tabnet: TabnetConfig;
  transfer: TransferConfig;
  ensemble: {
    /** Submission probabilities are clipped to [clip, 1 - clip] (ctl_vehicle rows are then set to 0). */
    clip: number;
  };
}

function fail(file: string, what: string): never {
  throw new DataError(file, `invalid config: ${what}`);
}
const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isPos = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isNonNeg = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Check the fields whose mistakes would only surface deep inside training. */
export function validateConfig(c: MoaConfig, file: string): MoaConfig {
  if (c.maxSteps !== undefined && !(Number.isInteger(c.maxSteps) && c.maxSteps >= 1)) fail(file, `maxSteps must be an integer >= 1, got ${c.maxSteps}`);
  if (typeof c.data?.dir !== 'string' || !c.data.dir) fail(file, `data.dir must be a folder, got ${JSON.stringify(c.data?.dir)}`);
  if (!Array.isArray(c.members) || c.members.length === 0) fail(file, 'members must list at least one member');
  for (const m of c.members) if (!MEMBER_KINDS.includes(m)) fail(file, `members: unknown member '${m}' (expected ${MEMBER_KINDS.join(', ')})`);
  if (new Set(c.members).size !== c.members.length) fail(file, `members: listed twice in ${c.members.join(', ')}`);
  if (!isInt(c.workers, 1)) fail(file, `workers must be an integer >= 1, got ${c.workers}`);
  const f = c.features;
  if (!isInt(f.nQuantiles, 2)) fail(file, `features.nQuantiles must be an integer >= 2, got ${f.nQuantiles}`);
  if (f.fitOn !== 'train+test' && f.fitOn !== 'train') fail(file, `features.fitOn must be 'train+test' or 'train', got ${f.fitOn}`);
  if (!isInt(f.pcaGenes, 1) || !isInt(f.pcaCells, 1)) fail(file, 'features.pcaGenes/pcaCells must be integers >= 1');
  if (!isNonNeg(f.varianceThreshold)) fail(file, 'features.varianceThreshold must be >= 0');
  for (const k of ['genes', 'cells', 'pca'] as const) if (!isInt(f.kmeans[k], 0) || f.kmeans[k] === 1) fail(file, `features.kmeans.${k} must be 0 (off) or >= 2`);
  if (!isInt(c.dense.pcaGenes, 1) || c.dense.pcaGenes > f.pcaGenes) fail(file, `dense.pcaGenes must be in [1, features.pcaGenes = ${f.pcaGenes}]`);
  if (!isInt(c.dense.pcaCells, 1) || c.dense.pcaCells > f.pcaCells) fail(file, `dense.pcaCells must be in [1, features.pcaCells = ${f.pcaCells}]`);
  for (const m of MEMBER_KINDS) {
    const mc = c[m] as MemberCommon;
    if (!isInt(mc.folds, 2)) fail(file, `${m}.folds must be an integer >= 2, got ${mc.folds}`);
    if (!Array.isArray(mc.seeds) || mc.seeds.length === 0 || !mc.seeds.every((s) => isInt(s, 0))) fail(file, `${m}.seeds must list integers >= 0`);
    if (!isInt(mc.epochs, 1)) fail(file, `${m}.epochs must be an integer >= 1`);
    if (!isInt(mc.batchSize, 1)) fail(file, `${m}.batchSize must be an integer >= 1`);
    if (!isInt(mc.earlyStoppingPatience, 0)) fail(file, `${m}.earlyStoppingPatience must be an integer >= 0`);
    if (!isPos((mc as unknown as { learningRate: number }).learningRate)) fail(file, `${m}.learningRate must be > 0`);
  }
  if (c.transfer.hidden.length !== c.transfer.dropout.length) fail(file, 'transfer.hidden and transfer.dropout must have the same length');
  if (!isInt(c.transfer.pretrainEpochs, 0)) fail(file, 'transfer.pretrainEpochs must be an integer >= 0');
  if (c.transfer.pretrainTargets !== 'all' && c.transfer.pretrainTargets !== 'nonscored') fail(file, `transfer.pretrainTargets must be 'all' or 'nonscored', got ${c.transfer.pretrainTargets}`);
  for (const k of ['pretrainMaxLr', 'pretrainDivFactor', 'maxLr', 'divFactor'] as const) if (!isPos(c.transfer[k])) fail(file, `transfer.${k} must be > 0`);
  for (const k of ['pretrainWeightDecay', 'weightDecay'] as const) if (!isNonNeg(c.transfer[k])) fail(file, `transfer.${k} must be >= 0`);
  if (c.tabnet.inputs !== 'seed001' && c.tabnet.inputs !== 'seed004') fail(file, `tabnet.inputs must be 'seed001' or 'seed004', got ${c.tabnet.inputs}`);
  if (!(c.ensemble.clip >= 0 && c.ensemble.clip < 0.5)) fail(file, `ensemble.clip must be in [0, 0.5), got ${c.ensemble.clip}`);
  return c;
}
