/** The contract every competition's synthetic-data generator implements. */
import type { Scale } from '@repro/io';

export interface SynthOptions {
  /** Folder to write the competition's files into (e.g. data/ion-switching). */
  outDir: string;
  /** smoke: seconds, for tests; default: what the `default` configs train on; kaggle: the real sizes. */
  scale: Scale;
  seed: number;
  log?: (line: string) => void;
}

/** What `truth.json` records besides the generating truth: the figures a model is measured against. */
export interface SynthSummary {
  competition: string;
  scale: Scale;
  seed: number;
  /** Files written, relative to outDir. */
  files: string[];
  /** e.g. { bayesMacroF1: 0.97, roundingMacroF1: 0.92 } or { floorLogLoss, trainMeanLogLoss }. */
  figures: Record<string, number>;
  seconds: number;
}

export interface SynthGenerator {
  competition: string;
  /** True when `dir` holds the real Kaggle files (not ours: ours carry truth.json). */
  realFilesPresent(dir: string): boolean;
  generate(options: SynthOptions): Promise<SynthSummary>;
}
