import * as fs from 'fs';
import { writeFileAtomic } from './atomic';
import { DataError } from './errors';

/** Pretty-printed JSON, written atomically. Typed arrays are written as plain arrays. */
export function writeJson(file: string, value: unknown): void {
  const text = JSON.stringify(
    value,
    (_k, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v),
    2,
  );
  writeFileAtomic(file, text + '\n');
}

export function readJson<T = unknown>(file: string): T {
  if (!fs.existsSync(file)) throw new DataError(file, 'file not found (expected a JSON file)');
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new DataError(file, `not valid JSON: ${(err as Error).message}`);
  }
}
