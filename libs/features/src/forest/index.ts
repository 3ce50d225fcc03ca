/**
 * Random-forest classifiers behind one interface (`ForestClassifier`):
 * - `HistRandomForestClassifier`: histogram-binned split search (linear per
 *   tree level), worker threads over trees (nJobs), deterministic per seed,
 *   `toJSON`/`fromJSON` with flat typed arrays;
 * - `MlRandomForestClassifier`: adapter over `ml-random-forest` (small data only);
 * - `createForest({ kind: 'hist' | 'ml-random-forest', ... })`, `forestFromJSON(json)`.
 * Benchmark: `nx run tools:bench-forest -- --rows=1000000`.
 */
export type { FeatureMatrix, ForestClassifier, ForestKind, ForestOptions, Labels, MaxFeatures } from './types';
export {
  HistRandomForestClassifier,
  type ForestArrays,
  type HistForestJSON,
  type HistForestOptions,
  type ResolvedHistForestOptions,
  type TrainTimings,
} from './histForest';
export { MlRandomForestClassifier, type MlForestJSON, type MlForestOptions } from './mlAdapter';
export { createForest, forestFromJSON, type CreateForestOptions } from './create';
