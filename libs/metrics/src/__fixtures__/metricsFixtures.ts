import * as fs from 'fs';
import * as path from 'path';

/** Shape of metrics.json, written by tools/fixtures/metrics_fixtures.py (sklearn / scipy / numpy reference values). */
export interface ClassificationCase {
  name: string;
  yTrue: number[];
  yPred: number[];
  /** Explicit labels passed to perClassF1 / confusionMatrix, or null for the union. */
  labels: number[] | null;
  macroF1: number;
  macroLabels: number[];
  perClassLabels: number[];
  perClassF1: number[];
  confusionMatrix: number[];
  accuracy: number;
}

export interface LogLossCase {
  name: string;
  nCols: number;
  yTrue: number[];
  yPred: number[];
  perColumn: number[];
  columnwiseLogLoss: number;
}

export interface KlCase {
  name: string;
  nClasses: number;
  solution: number[];
  submission: number[];
  votes?: number[];
  klDivergence: number;
}

export interface MetricsFixtures {
  classification: ClassificationCase[];
  logLoss: LogLossCase[];
  klDivergence: KlCase[];
}

export function loadMetricsFixtures(): MetricsFixtures {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'metrics.json'), 'utf8')) as MetricsFixtures;
}
