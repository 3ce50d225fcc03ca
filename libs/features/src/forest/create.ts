import { HistRandomForestClassifier, type HistForestJSON, type HistForestOptions } from './histForest';
import { MlRandomForestClassifier, type MlForestJSON, type MlForestOptions } from './mlAdapter';
import type { ForestClassifier, ForestKind } from './types';

export type CreateForestOptions =
  | ({ kind?: 'hist' } & HistForestOptions)
  | ({ kind: 'ml-random-forest' } & MlForestOptions);

/** Factory over the two implementations; `kind` defaults to 'hist'. */
export function createForest(options: CreateForestOptions = {}): ForestClassifier {
  const { kind = 'hist', ...rest } = options;
  if (kind === 'hist') return new HistRandomForestClassifier(rest as HistForestOptions);
  if (kind === 'ml-random-forest') return new MlRandomForestClassifier(rest as MlForestOptions);
  const kinds: ForestKind[] = ['hist', 'ml-random-forest'];
  throw new RangeError(`createForest: option kind must be one of ${kinds.join(', ')} (received ${String(kind)})`);
}

/** Restores a model saved with `toJSON()` of either implementation. */
export function forestFromJSON(json: HistForestJSON | MlForestJSON | string): ForestClassifier {
  const j = typeof json === 'string' ? JSON.parse(json) : json;
  if (j && j.format === 'hist-random-forest') return HistRandomForestClassifier.fromJSON(j);
  if (j && j.format === 'ml-random-forest') return MlRandomForestClassifier.fromJSON(j);
  throw new RangeError(`forestFromJSON: unknown model format ${String(j && j.format)} (expected 'hist-random-forest' or 'ml-random-forest')`);
}
