// The README's Recipe table against the resolved `kaggle` config (loaded as the CLI loads it), and
// its "default against kaggle" table against `default`: a value changed on one side only fails
// here. Rows whose key is `derived:...` are computed from the code (models built at the seed's
// widths, the feature pipeline on a matrix of the real width); `code:<file>#<token>` rows name the
// code that holds a step.
import * as fs from 'fs';
import * as path from 'path';
import { VarianceThreshold } from '@repro/features';
import { MOA_FEATURE_COLUMNS, MOA_KAGGLE, loadSolutionConfig, parseCliArgs } from '@repro/io';
import { initBackend, tf } from '@repro/layers';
import { MoaConfig, validateConfig } from './config';
import { FeatureSet, FeatureState, applyFeatureState, fitFeatureState, memberInputs } from './features';
import { buildMemberModel } from './models';
import { frozenBlocksAt, transferBlocks } from './models/transfer';
import { fakeFeatures } from './testing';

const SOLUTION_DIR = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(SOLUTION_DIR, 'README.md'), 'utf8');
const resolve = (name: string) => loadSolutionConfig<MoaConfig>(SOLUTION_DIR, parseCliArgs(['--config', name]), {}, validateConfig).config;
const kaggle = resolve('kaggle');
const dflt = resolve('default');

/** Rows of the first markdown table after `heading` whose header starts with `firstColumn`. */
function tableRows(heading: string, firstColumn: string): string[][] {
  const at = README.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no '${heading}' section`);
  const lines = README.slice(at + heading.length + 2).split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${firstColumn} |`));
  if (start < 0) throw new Error(`no table with first column '${firstColumn}' under '${heading}'`);
  const rows: string[][] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows;
}

/** The text inside the first pair of backticks of a cell. */
function code(cell: string): string {
  const m = /`([^`]+)`/.exec(cell);
  if (!m) throw new Error(`expected a \`value\` in '${cell}'`);
  return m[1];
}

function get(obj: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' && k in o ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** Dotted keys of every leaf (arrays are leaves). */
function leaves(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? leaves(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

// Not recipe: where the data are and how many processes train (results are the same with 1 or 2).
const RUNTIME_KEYS = ['data.dir', 'workers'];

// A full-width feature matrix (876 columns as the real files) with few rows: 500 train + 150 test
// rows fitted together (seed 004 fits on train+test), enough for the 600 gene components.
let fitted: { state: FeatureState; train: FeatureSet; pcVariances: Float64Array } | undefined;
function features() {
  if (!fitted) {
    const train = fakeFeatures(500, 11);
    const test = fakeFeatures(150, 12);
    const state = fitFeatureState(train, test, kaggle.features);
    const both = [applyFeatureState(state, train), applyFeatureState(state, test)];
    // Population variance (numpy's var, as sklearn's VarianceThreshold) of each PC over the fitted rows.
    const pcs = [...both.map((f) => ({ d: f.pcaGenes, w: f.widths.pcaGenes, n: f.nRows }))];
    const cps = [...both.map((f) => ({ d: f.pcaCells, w: f.widths.pcaCells, n: f.nRows }))];
    const variances = (blocks: { d: Float32Array; w: number; n: number }[]) => {
      const w = blocks[0].w;
      const n = blocks.reduce((s, b) => s + b.n, 0);
      return Array.from({ length: w }, (_, j) => {
        let s = 0;
        let q = 0;
        for (const b of blocks) for (let i = 0; i < b.n; i++) (s += b.d[i * w + j]), (q += b.d[i * w + j] ** 2);
        return q / n - (s / n) ** 2;
      });
    };
    fitted = { state, train: both[0], pcVariances: Float64Array.from([...variances(pcs), ...variances(cps)]) };
  }
  return fitted;
}

/** Columns of [872 genes/cells, gene PCs, cell PCs] the fitted VarianceThreshold keeps. */
const kept = (): number[] => VarianceThreshold.fromJSON(features().state.varianceThreshold).support;

const models: Record<string, tf.LayersModel> = {};
function model(kind: 'dense' | 'cnn1d' | 'transfer'): tf.LayersModel {
  if (!models[kind]) {
    const shapes = kind === 'transfer' ? [[10]] : memberInputs(kind, features().train, kaggle).rowShapes;
    models[kind] = buildMemberModel(kind, kaggle, shapes, MOA_KAGGLE.scoredTargets, 0);
  }
  return models[kind];
}
const activation = (m: tf.LayersModel, layer: string) => m.getLayer(layer).getConfig().activation;
/** Keras' name of a kernel initializer (tfjs serialises glorot/lecun as VarianceScaling). */
function initializer(m: tf.LayersModel, layer: string): string {
  const { config } = m.getLayer(layer).getConfig().kernelInitializer as { config: { scale: number; mode: string; distribution: string } };
  const family = config.scale === 1 ? ({ fanAvg: 'glorot', fanIn: 'lecun' } as Record<string, string>)[config.mode] : undefined;
  return `${family ?? `${config.mode}*${config.scale}`}_${config.distribution}`;
}

/** What each `derived:` key of the table computes. */
const DERIVED: Record<string, () => unknown> = {
  'features.datasetFeatures': () => MOA_FEATURE_COLUMNS.filter((c) => c !== 'sig_id').length,
  'features.genesCells': () => features().train.widths.raw,
  'dense.inputs': () => memberInputs('dense', features().train, kaggle).rowShapes.map((s) => s[0]),
  'dense.params': () => model('dense').countParams(),
  'dense.activations': () => ({
    head1: [activation(model('dense'), 'dense0'), activation(model('dense'), 'dense1')],
    head2: ['dense2', 'dense3', 'dense4', 'dense5'].map((l) => activation(model('dense'), l)),
    tail: [activation(model('dense'), 'dense6'), activation(model('dense'), 'dense7')],
    output: activation(model('dense'), 'output'),
  }),
  'dense.initializers': () => ({
    heads: initializer(model('dense'), 'dense0'),
    tail: initializer(model('dense'), 'dense6'),
    output: initializer(model('dense'), 'output'),
  }),
  'cnn1d.inputs': () => memberInputs('cnn1d', features().train, kaggle).rowShapes[0],
  'cnn1d.params': () => model('cnn1d').countParams(),
  'cnn1d.activations': () => ({ conv: activation(model('cnn1d'), 'conv_1d_1'), dense: activation(model('cnn1d'), 'dense1'), output: activation(model('cnn1d'), 'output') }),
  'cnn1d.initializers': () => [...kaggle.cnn1d.filters.map((_, i) => `conv_1d_${i + 1}`), 'dense1', 'dense2', 'output'].map((l) => initializer(model('cnn1d'), l)).filter((c, i, a) => a.indexOf(c) === i),
  'tabnet.inputWidth': () => memberInputs('tabnet', features().train, kaggle).rowShapes[0][0],
  'transfer.selectionCandidates': () => features().train.widths.raw + features().train.widths.pcaGenes + features().train.widths.pcaCells,
  'transfer.genesCellsKept': () => kept().filter((j) => j < 872).length,
  'transfer.addedAfterSelection': () => {
    const w = features().train.widths;
    return { clusters: w.clusters, stats: w.stats, categorical: w.categorical };
  },
  'transfer.inputWidth': () => {
    // k: PCs whose variance exceeds the threshold, counted here independently of VarianceThreshold
    const k = Array.from(features().pcVariances).filter((v) => v > kaggle.features.varianceThreshold).length;
    const width = memberInputs('transfer', features().train, kaggle).rowShapes[0][0];
    return width === 872 + k + 51 ? '872 + k + 51' : `${width} (k = ${k})`;
  },
  'transfer.pretrainOutputs': () => MOA_KAGGLE.scoredTargets + MOA_KAGGLE.nonscoredTargets,
  'transfer.hiddenActivation': () => `leaky_relu(${model('transfer').getLayer('leaky_relu1').getConfig().alpha})`,
  'transfer.topLayer': () => model('transfer').getLayer(`dense${kaggle.transfer.hidden.length + 1}`).getClassName(),
  'transfer.unfreezeEpochs': () => {
    const B = transferBlocks(kaggle.transfer);
    const frozen = (e: number) => (e < 0 ? B : frozenBlocksAt(e, kaggle.transfer.epochs, B).length);
    return Array.from({ length: kaggle.transfer.epochs }, (_, e) => e).filter((e) => frozen(e) < frozen(e - 1));
  },
};

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});
afterAll(() => Object.values(models).forEach((m) => m.dispose()));

describe('Recipe table (README) = kaggle config', () => {
  const rows = tableRows('## Recipe', '#');

  it('has a row with a key and a `kaggle` value for every step', () => {
    expect(rows.length).toBeGreaterThan(60);
    for (const r of rows) {
      expect(r).toHaveLength(6);
      expect(() => code(r[3])).not.toThrow();
      expect(() => code(r[4])).not.toThrow();
    }
  });

  it.each(rows.map((r) => [r[0], r[1], code(r[3]), code(r[4])]))('row %s (%s): %s = %s', (_n, _item, key, value) => {
    if (key.startsWith('code:')) {
      const [file, token] = key.slice(5).split('#');
      expect(fs.readFileSync(path.join(SOLUTION_DIR, '..', '..', file), 'utf8')).toContain(token);
      expect(value).toBe('code');
    } else if (key.startsWith('derived:')) {
      const fn = DERIVED[key.slice(8)];
      expect(fn).toBeDefined();
      expect(fn()).toEqual(JSON.parse(value));
    } else {
      expect(get(kaggle, key)).toBeDefined();
      expect(get(kaggle, key)).toEqual(JSON.parse(value));
    }
  });

  it('lists every recipe key of the kaggle config', () => {
    const keys = new Set(rows.map((r) => code(r[3])));
    const missing = leaves(kaggle as unknown as Record<string, unknown>).filter((k) => !RUNTIME_KEYS.includes(k) && !keys.has(k));
    expect(missing).toEqual([]);
    expect(Object.keys(DERIVED).filter((k) => !keys.has(`derived:${k}`))).toEqual([]);
  });

  it('extras are off in kaggle', () => {
    for (const m of ['dense', 'cnn1d', 'tabnet', 'transfer'] as const) {
      expect(kaggle[m].priorBias).toBe(false);
      expect(kaggle[m].earlyStoppingPatience).toBe(0);
    }
    expect(kaggle.ensemble.clip).toBe(0);
  });
});

describe('feature counts at the real width (876 columns, few rows)', () => {
  it("keeps every RankGauss'd gene/cell and exactly the PCs whose variance exceeds the threshold", () => {
    const { state, pcVariances } = features();
    expect(state.varianceThreshold.threshold).toBe(kaggle.features.varianceThreshold);
    const keptPcs = kept().filter((j) => j >= 872).map((j) => j - 872);
    const expected = Array.from(pcVariances).flatMap((v, j) => (v > kaggle.features.varianceThreshold ? [j] : []));
    expect(keptPcs).toEqual(expected);
    // some PCs of iid columns fall below 0.8 and some stay above: the threshold does select
    expect(keptPcs.length).toBeGreaterThan(0);
    expect(keptPcs.length).toBeLessThan(650);
  });

  it("tabnet's seed 001 list is 875 + 600 + 50 + 3 + 15, unfiltered and in that order", () => {
    const fsTrain = features().train;
    const t = memberInputs('tabnet', fsTrain, kaggle);
    const w = t.rowShapes[0][0];
    expect(w).toBe(875 + 600 + 50 + 3 + 15);
    const row = (i: number) => t.x[0].subarray(i * w, (i + 1) * w);
    // row 4 of fakeFeatures(500) is ctl_vehicle at 48 h, D1 (codes 1, 1, 0)
    expect(Array.from(row(4).subarray(0, 3))).toEqual([1, [24, 48, 72].indexOf(48), 0]);
    expect(Array.from(row(4).subarray(3, 875))).toEqual(Array.from(fsTrain.rankGauss.subarray(4 * 872, 5 * 872)));
    expect(Array.from(row(4).subarray(875, 1475))).toEqual(Array.from(fsTrain.pcaGenes.subarray(4 * 600, 5 * 600)));
    const labels = Array.from(row(4).subarray(1525, 1528));
    labels.forEach((l, k) => expect(l).toBe(Array.from(fsTrain.clusters.subarray(4 * 31, 5 * 31)).slice([0, 22, 26][k], [22, 26, 31][k]).indexOf(1)));
  });
});

describe('default against kaggle', () => {
  const rows = tableRows('### `default` against `kaggle`', 'config key');

  it('lists exactly the keys where default differs, with both values', () => {
    const differing = leaves(kaggle as unknown as Record<string, unknown>).filter((k) => JSON.stringify(get(kaggle, k)) !== JSON.stringify(get(dflt, k)));
    expect(rows.map((r) => code(r[0])).sort()).toEqual(differing.sort());
    for (const r of rows) {
      expect(get(kaggle, code(r[0]))).toEqual(JSON.parse(code(r[1])));
      expect(get(dflt, code(r[0]))).toEqual(JSON.parse(code(r[2])));
    }
  });
});
