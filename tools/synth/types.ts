/** The contract every competition's synthetic-data generator implements. */
import type { Scale } from '@repro/io';

export interface SynthOptions {
  /** Folder to write the competition's files into (e.g. data/ion-switching). */
  outDir: string;
  /** smoke: seconds, for tests; default: what the `default` configs train on; kaggle: the real sizes. */
  scale: Scale;
  seed: number;
  log?: (line: string) => void;
  /**
   * outDir may hold files of an interrupted build of the same competition, scale, seed and
   * generator code (tools/synth/cli.ts checks that): every file under its final name is complete
   * (all writes are temp + rename), so a generator may keep such files instead of writing them
   * again. The result is byte-identical to a build from an empty folder. @default false
   */
  resume?: boolean;
  /** Worker threads for generators that parallelise (HMS: recordings). @default min(2, CPUs) */
  workers?: number;
  /**
   * Tests of interruption: stop with {@link SynthStopped} after this many units of work were
   * written in this call (HMS: recordings, ion-switching: train.csv/test.csv; MoA stops after its
   * feature files whatever the number).
   */
  stopAfter?: number;
  /**
   * Which family of the generator to draw from (its `variants` table; cli.ts checks the name).
   * 'default' (or undefined) is the generator the project was built on, byte-identical to the
   * output before variants existed. @default 'default'
   */
  variant?: string;
}

/** One entry of a generator's variant table. */
export interface SynthVariant {
  /** One line: what differs from the default generator. */
  description: string;
  /**
   * Never used for tuning: a score on a held-out variant is a score on data nobody chose
   * settings by. Recorded in truth.json.
   */
  heldOut: boolean;
}

/** Thrown when a generator stopped early because of {@link SynthOptions.stopAfter}. */
export class SynthStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthStopped';
  }
}

/** What `truth.json` records besides the generating truth: the figures a model is measured against. */
export interface SynthSummary {
  competition: string;
  scale: Scale;
  seed: number;
  /** The generator variant (see {@link SynthGenerator.variants}); absent in sets made before variants: 'default'. */
  variant?: string;
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
  /** The variants `--variant` accepts, 'default' first. */
  variants: Record<string, SynthVariant>;
  generate(options: SynthOptions): Promise<SynthSummary>;
}
