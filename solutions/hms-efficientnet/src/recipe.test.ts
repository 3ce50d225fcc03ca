// Recipe fidelity: the `kaggle` config, resolved as the CLI resolves it (cli.ts resolveConfig:
// configs/kaggle.json through `extends`, validated), is seed 003's recipe, and README.md's
// "Recipe" table says so row by row. Every config value is checked against the value written
// here (the write-up's, the public kernel's, or ours, as the table's source column says) and
// against the README table's `kaggle` column; a config field without a table row, a `kaggle`
// value that changes, or a `default` difference missing from "default vs kaggle" fails.
import * as path from 'path';
import { configLeaves, configValue, parseCliArgs, readmeTable } from '@repro/io';
import { resolveConfig, type HmsEfficientnetConfig } from './config';
import { kaggleTileRows, logAndStandardize } from './features';

const README = path.resolve(__dirname, '..', 'README.md');

function load(name: string): HmsEfficientnetConfig {
  return resolveConfig(parseCliArgs(['train', '--config', name])).config;
}

/** The first `...` of a cell, or undefined. */
const code = (cell: string): string | undefined => /`([^`]*)`/.exec(cell)?.[1];

// ---- seed 003: the write-up's own values -----------------------------------------------------
const WRITE_UP: Record<string, unknown> = {
  'data.balanced.enabled': true, // "Spliting small Datasets": balanced_train.csv
  'data.balanced.perClass': 50, // desired_samples per class = 50
  'inputs.useKaggleSpectrograms': true, // best combination: Kaggle spectrograms alone
  'inputs.useEegSpectrograms': false,
  'inputs.useWaveletSpectrograms': false,
  'inputs.tileHeight': 128, // "uniformly resized to the desired resolution (128x256)"
  'inputs.tileWidth': 256,
  'inputs.eegSpectrogram.logStandardize': true, // "applying a logarithmic transformation ... followed by normalization"
  'inputs.wavelet.wavelet': 'db1', // "selecting db1 as the mother wavelet"
  'inputs.wavelet.level': 5, // "setting the decomposition level to 5"
  'inputs.hflip': 0.5, // "horizontal flipping" (p = 0.5 from the kernel's A.HorizontalFlip(p=0.5))
  'model.variant': 'b0', // timm.create_model(...tf_efficientnet_b0)
  'model.widthScale': 1,
  'train.folds': 3, // "3 epochs and a 3-fold cross-validation strategy"
  'train.foldsToTrain': 3,
  'train.epochs': 3,
  'train.twoStage.enabled': false, // "Two stages strategy" is only the OneCycle LR picture
  'experiment.combinations': [
    [true, false, false],
    [true, true, true],
    [true, true, false],
    [true, false, true],
    [false, true, true],
    [false, false, true],
    [false, true, false],
  ], // the table's seven rows (B0 order)
  'experiment.variants': ['b0', 'b4'], // tf_efficientnet_b0 and efficientnet_b4
  'experiment.folds': 3,
  'experiment.epochs': 3,
  'experiment.balancedPerClass': 50,
};
// Silent in the write-up; from the public kernel it builds on (alejopaullier, "HMS EfficientNetB0
// PyTorch train"), Chris Deotte's spectrogram_from_eeg that kernel uses, timm, or the write-up
// author's public code (see README): the source column of each row says which.
const KERNEL: Record<string, unknown> = {
  'inputs.kaggleCropFrames': 22, // img[:, 22:-22]
  'inputs.kagglePad': true, // X[14:-14, :, region] = ... / 2.0
  'inputs.eegSeconds': 50, // middle 10_000 rows
  'inputs.eegSpectrogram.method': 'mel', // librosa.feature.melspectrogram
  'inputs.eegSpectrogram.frames': 256, // hop_length=len(x)//256, width (257//32)*32
  'inputs.eegSpectrogram.nMels': 128,
  'inputs.eegSpectrogram.nfft': 1024,
  'inputs.eegSpectrogram.winLength': 128,
  'inputs.eegSpectrogram.fmax': 20,
  'inputs.imageChannels': 3, // torch.cat([x, x, x], dim=3)
  'model.dropRate': 0.1, // timm.create_model(drop_rate=0.1, ...)
  'model.dropConnectRate': 0.2, // drop_path_rate=0.2
  'model.bnMomentum': 0.9, // timm: nn.BatchNorm2d momentum 0.1 (PyTorch convention)
  'model.pooling': 'avg', // nn.AdaptiveAvgPool2d(1), Flatten, Linear
  'model.weights': '', // pretrained=True: ImageNet weights cannot be downloaded here (README)
  'train.batchSize': 8, // the author's code: BATCH_SIZE_TRAIN = 8 (kernel: 32)
  'train.microBatchSize': 8, // GRADIENT_ACCUMULATION_STEPS = 1
  'train.predictBatchSize': 8, // BATCH_SIZE_VALID = 8
  'train.maxLr': 0.001, // OneCycleLR(max_lr=1e-3, ...)
  'train.pctStart': 0.1,
  'train.divFactor': 25, // torch's default
  'train.finalDivFactor': 100,
  'train.weightDecay': 0.01, // WEIGHT_DECAY
  'train.clipNorm': 1e7, // MAX_GRAD_NORM
  'train.shuffle': false, // DataLoader(train_dataset, shuffle=False, ...)
  'train.dropLast': true, // drop_last=True
};
// Ours: off, inert or operational only (README rows marked "extra").
const EXTRAS: Record<string, unknown> = {
  'data.dir': 'data/hms',
  'data.maxEegs': 0,
  'data.cache': true,
  'data.cacheShardMiB': 256, // tile-cache shard size: where the tiles lie on disk, not their values
  'inputs.positionChannel': false,
  'model.priorHead': false,
  'train.randomWindows': false,
  'train.workers': 1,
  'train.twoStage.minVotes': 10,
  'train.twoStage.epochs': 5,
  'train.twoStage.maxLr': 0.0001,
  'experiment.workers': 1,
  'ensemble.runs': [],
  'ensemble.includeWavenet': false,
};
const ALL = { ...WRITE_UP, ...KERNEL, ...EXTRAS };

let kaggle: HmsEfficientnetConfig;
let dflt: HmsEfficientnetConfig;
beforeAll(() => {
  kaggle = load('kaggle');
  dflt = load('default');
});

describe('the kaggle config is the write-up recipe', () => {
  it('has every value of the recipe, and the extras off', () => {
    for (const [key, want] of Object.entries(ALL)) expect({ key, value: configValue(kaggle, key) }).toEqual({ key, value: want });
  });

  it('has no field that is neither a recipe value nor a listed extra', () => {
    expect([...configLeaves(kaggle as never).keys()].filter((k) => !(k in ALL))).toEqual([]);
  });

  it("README's Recipe table gives every field's kaggle value and source", () => {
    const rows = readmeTable(README, '## Recipe', ' | ');
    expect(rows.length).toBeGreaterThanOrEqual(Object.keys(ALL).length);
    const covered = new Set<string>();
    for (const cells of rows) {
      expect({ row: cells[0], cells: cells.length }).toEqual({ row: cells[0], cells: 5 });
      const [item, , keyCell, valueCell, source] = cells;
      expect(item).not.toBe('');
      expect(source).not.toBe('');
      if (!keyCell.startsWith('`')) continue; // code rows: no config key
      const key = code(keyCell)!;
      expect({ key, known: key in ALL }).toEqual({ key, known: true });
      expect({ key, value: JSON.parse(code(valueCell) ?? 'undefined') }).toEqual({ key, value: configValue(kaggle, key) });
      // A row's source matches where this file lists the value.
      const kind = key in WRITE_UP ? /write-up/ : key in KERNEL ? /kernel|author's code|timm/ : /extra|ours/;
      expect({ key, source }).toEqual({ key, source: expect.stringMatching(kind) });
      if (key in EXTRAS) expect({ key, item }).toEqual({ key, item: expect.stringMatching(/^extra/) });
      covered.add(key);
    }
    expect(Object.keys(ALL).filter((k) => !covered.has(k))).toEqual([]);
  });

  it('the code rows hold: log_and_Standarize clip, kernel tile rows', () => {
    // clip(exp(-4), exp(8)) then log: 0 and e^20 land on -4 and 8.
    const img = new Float64Array([0, Math.exp(20)]);
    logAndStandardize(img);
    expect([img[0], img[1]].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-1, 1]);
    expect(kaggleTileRows(kaggle.inputs.tileHeight, kaggle.inputs.kagglePad)).toEqual({ rows: 100, top: 14 });
  });
});

describe('default is a miniature of kaggle; every difference is listed', () => {
  it('"default vs kaggle" lists exactly the fields that differ, with both values', () => {
    const rows = readmeTable(README, '### default vs kaggle', ' | ');
    const k = configLeaves(kaggle as never);
    const d = configLeaves(dflt as never);
    const differing = [...k.keys()].filter((key) => JSON.stringify(k.get(key)) !== JSON.stringify(d.get(key)));
    const listed = rows.map((cells) => code(cells[0])!);
    expect([...listed].sort()).toEqual([...differing].sort());
    for (const [keyCell, kaggleCell, defaultCell, reason] of rows) {
      const key = code(keyCell)!;
      expect({ key, kaggle: JSON.parse(code(kaggleCell)!), default: JSON.parse(code(defaultCell)!) }).toEqual({ key, kaggle: k.get(key), default: d.get(key) });
      expect(reason.length).toBeGreaterThan(20);
    }
    expect([...d.keys()].sort()).toEqual([...k.keys()].sort()); // same fields: same graph and steps
  });
});
