// The seed's "Features combinations experiment": every [kaggle, eeg, wavelet] combination of
// experiment.combinations x every variant of experiment.variants, trained with experiment.folds
// folds and experiment.epochs epochs (one stage), optionally on the balanced subset; the CV KL
// of each goes into the seed's Markdown table, sorted by CV within each model, best in bold.
//
// Each grid cell is a run folder of its own (<experiment run>/grid/<cell>), so cells resume like
// training runs; with experiment.workers > 1 all cells' folds share one pool of worker processes.
import * as path from 'path';
import { withWorkerPool } from '@repro/cv';
import { createRun, writeFileAtomic, type Run } from '@repro/io';
import { MODALITIES, type Combination, type HmsEfficientnetConfig, type Modality } from './config';
import { StepTimer } from './timing';
import { cacheDirFor, newFoldPool, prepareTrainData, SOLUTION, trainRun, unfinishedFolds, weightsNote, workerSpawner, type FoldPool, type TrainContext } from './train';

/** timm's names, as the seed's table prints them. */
const MODEL_NAMES: Record<string, string> = { b0: 'tf_efficientnet_b0', b4: 'efficientnet_b4' };

export interface ExperimentRow {
  variant: string;
  model: string;
  combination: Combination;
  /** Kaggle's KL of the OOF predictions. */
  cvKL: number;
  /** The write-up's get_result on the same predictions (its table's "CV Result"). */
  getResult: number;
  baselineKL: number;
  baselineGetResult: number;
  run: string;
}

export function cellName(variant: string, c: Combination): string {
  return `${variant}-kaggle${Number(c[0])}-eeg${Number(c[1])}-wavelet${Number(c[2])}`;
}

/** The config of one grid cell. */
export function cellConfig(config: HmsEfficientnetConfig, variant: HmsEfficientnetConfig['model']['variant'], c: Combination): HmsEfficientnetConfig {
  const e = config.experiment;
  const sub = structuredClone(config);
  [sub.inputs.useKaggleSpectrograms, sub.inputs.useEegSpectrograms, sub.inputs.useWaveletSpectrograms] = c;
  sub.model.variant = variant;
  sub.train.folds = e.folds;
  sub.train.foldsToTrain = e.folds;
  sub.train.epochs = e.epochs;
  sub.train.twoStage.enabled = false;
  sub.train.workers = 1;
  if (e.balancedPerClass > 0) sub.data.balanced = { enabled: true, perClass: e.balancedPerClass };
  // A cell's stored config holds only its own grid point, so growing the grid keeps finished cells.
  sub.experiment = { ...sub.experiment, combinations: [c], variants: [variant] };
  return sub;
}

/**
 * The seed's result table: models in config order, rows by CV ascending, each model's best in bold.
 * "CV Result" is the write-up's get_result (comparable with its 1.28-1.37); "Kaggle KL" is the
 * competition's score of the same OOF predictions. Rows are ordered by the write-up's metric.
 */
export function resultTable(rows: ExperimentRow[], variants: readonly string[]): string {
  const lines = [
    '| Model             | Use Kaggle Spectrograms | Use EEG Spectrograms | Use Wavelet Spectrograms | CV Result   | Kaggle KL |',
    '|-------------------|-------------------------|----------------------|--------------------------|-------------|-----------|',
  ];
  for (const v of variants) {
    const group = rows.filter((r) => r.variant === v).sort((a, b) => a.getResult - b.getResult);
    group.forEach((r, i) => {
      const b = (s: string) => (i === 0 ? `**${s}**` : s);
      const cells = [r.model, ...r.combination.map((x) => (x ? 'True' : 'False')), r.getResult.toFixed(4), r.cvKL.toFixed(4)].map(b);
      lines.push(`| ${cells.join(' | ')} |`);
    });
  }
  return lines.join('\n') + '\n';
}

/** `nx run hms-efficientnet:experiment`. */
export async function experiment(ctx: TrainContext): Promise<ExperimentRow[]> {
  const { config, seed } = ctx;
  const e = config.experiment;
  const run = createRun({ root: ctx.runsRoot, solution: SOLUTION, config, configName: ctx.configName, seed, runId: ctx.runId ?? `experiment-${ctx.configName}-seed${seed}` });
  const log = (l: string) => run.log(l);
  const timer = new StepTimer(log, run.path('timings.json'));
  log(`hms-efficientnet experiment: ${e.combinations.length} combinations x ${e.variants.join(', ')}, ${e.folds} folds, ${e.epochs} epochs -> ${run.dir}`);
  log(ctx.backendInfo.summary);
  const wnote = weightsNote(config.model);
  if (wnote) log(wnote);

  return timer.time('experiment_pipeline', async () => {
    const cells: { run: Run; variant: string; c: Combination }[] = [];
    for (const v of e.variants) {
      for (const c of e.combinations) {
        const sub = cellConfig(config, v, c);
        cells.push({ run: createRun({ root: run.dir, solution: 'grid', config: sub, configName: ctx.configName, seed, runId: cellName(v, c) }), variant: v, c });
      }
    }
    // Every modality any cell uses, computed once into the cache the cells (and workers) read.
    const all = MODALITIES.filter((_, k) => e.combinations.some((c) => c[k])) as Modality[];
    await prepareTrainData(cells[0].run.config as HmsEfficientnetConfig, seed, { cacheDir: cacheDirFor(ctx.runsRoot), outDir: run.dir, log, timer, modalities: all });

    const jobs = cells.flatMap((cell) => unfinishedFolds(cell.run.dir, e.folds).map((fold) => ({ runDir: cell.run.dir, fold })));
    const workers = Math.min(e.workers, jobs.length);
    let pool: FoldPool | undefined;
    if (workers > 1) {
      log(`training ${jobs.length} (cell, fold) jobs in ${workers} worker processes`);
      pool = newFoldPool(jobs, workers, workerSpawner(ctx));
    }
    const p = pool;
    const rows: ExperimentRow[] = [];
    await withWorkerPool(p, async () => {
      for (const cell of cells) {
        const sub = cell.run.config as HmsEfficientnetConfig;
        const data = await prepareTrainData(sub, seed, { cacheDir: cacheDirFor(ctx.runsRoot), outDir: cell.run.dir, log: () => {}, timer: new StepTimer(() => {}) });
        const m = await timer.time(`cell_${cell.run.id}`, () => trainRun(cell.run, { ...ctx, config: sub }, data, timer, p));
        rows.push({ variant: cell.variant, model: MODEL_NAMES[cell.variant] ?? `efficientnet_${cell.variant}`, combination: cell.c, cvKL: m.cvKL as number, getResult: m.getResult as number, baselineKL: m.baselineKL as number, baselineGetResult: m.baselineGetResult as number, run: cell.run.id });
        log(`${cell.run.id}: get_result ${(m.getResult as number).toFixed(5)}, Kaggle KL ${(m.cvKL as number).toFixed(5)} (train-mean baseline ${(m.baselineKL as number).toFixed(5)})`);
        // The table so far, so an interrupted grid still leaves its finished cells in one file.
        writeFileAtomic(run.path('experiment_table.md'), resultTable(rows, e.variants) + `\n(partial: ${rows.length} of ${cells.length} cells)\n`);
      }
    });
    const table = resultTable(rows, e.variants);
    const note =
      `\n${e.folds}-fold GroupKFold by patient_id, ${e.epochs} epochs, ` +
      `${e.balancedPerClass > 0 ? `balanced subset of ${e.balancedPerClass} train.csv rows per class` : 'all eeg_ids'}; ` +
      `tiles ${config.inputs.tileHeight} x ${config.inputs.tileWidth}, widthScale ${config.model.widthScale}; seed ${seed}. ` +
      `Train-mean baseline on the same folds: get_result ${rows[0].baselineGetResult.toFixed(4)}, Kaggle KL ${rows[0].baselineKL.toFixed(4)}. ` +
      `"CV Result" is the write-up's get_result (KLDivLoss on log_softmax of the predicted probabilities), "Kaggle KL" the competition's score.\n`;
    writeFileAtomic(run.path('experiment_table.md'), table + note);
    run.saveJson('experiment.json', rows);
    run.writeMetrics({ experiment: rows });
    log(`Features combinations experiment result:\n${table}${note}`);
    log(`table -> ${path.join(run.dir, 'experiment_table.md')}`);
    return rows;
  });
}
