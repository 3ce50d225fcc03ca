/**
 * What Kaggle checks before it scores a submission, done here first so that a wrong submission
 * never leaves with exit 0: the test file's ids against sample_submission.csv (same ids, each
 * once; the submission follows the sample's order), and the written submission.csv re-read as
 * Kaggle would read it (header, row count, ids in the sample's order, values), before it is
 * renamed into place.
 *
 * Ids are compared as canonical text, never as floats: Ion Switching's `time` is an id written
 * with 4 decimals, and 500.0001 must match "500.0001", not a float near it.
 *
 * Rows are numbered as in the other loaders: 1-based CSV lines, the header is row 1.
 */
import * as fs from 'fs';
import * as readline from 'readline';
import { DataError } from '../errors';

/** The ids of one file's rows, as read. */
export interface IdColumn {
  /** The file they were read from (named in errors). */
  file: string;
  /** The id column's name (eeg_id, sig_id, time). */
  column: string;
  /** Canonical ids, one per data row in file order (compared as strings). */
  ids: ArrayLike<string>;
  /** The ids as written in the file, for messages. @default ids */
  text?: ArrayLike<string>;
}

const fileRow = (i: number): number => i + 2;

function shown(c: IdColumn, i: number): string {
  return `'${(c.text ?? c.ids)[i]}'`;
}

/** Each id once: a repeat is a DataError naming every row that holds it. */
export function checkUniqueIds(c: IdColumn): void {
  const first = new Map<string, number>();
  for (let i = 0; i < c.ids.length; i++) {
    const id = c.ids[i];
    const at = first.get(id);
    if (at === undefined) {
      first.set(id, i);
      continue;
    }
    const rows: number[] = [];
    for (let j = at; j < c.ids.length; j++) if (c.ids[j] === id) rows.push(fileRow(j));
    const list = rows.length > 6 ? `${rows.slice(0, 6).join(', ')} and ${rows.length - 6} more` : rows.join(', ');
    throw new DataError(c.file, `${c.column} ${shown(c, i)} appears ${rows.length} times, on rows ${list}; expected each ${c.column} once (one submission row per id)`, {
      row: fileRow(i),
      column: c.column,
    });
  }
}

export interface AlignOptions {
  /** The test ids are already known to be unique (e.g. Ion Switching's strictly rising time): skip that check. */
  testUnique?: boolean;
}

/**
 * Match the test file's ids to sample_submission.csv's: both must hold the same ids, each once.
 * Returns, for each sample row, the test row that holds its id (the order to write the submission
 * in), or null when the test rows are already in the sample's order.
 */
export function alignToSample(test: IdColumn, sample: IdColumn, options: AlignOptions = {}): Int32Array | null {
  const n = test.ids.length;
  let same = n === sample.ids.length;
  for (let i = 0; same && i < n; i++) same = test.ids[i] === sample.ids[i];
  // Same ids in the same order: unique test ids make the sample's unique too.
  if (same && options.testUnique) return null;
  checkUniqueIds(test);
  checkUniqueIds(sample);
  if (same) return null;
  const testRow = new Map<string, number>();
  for (let i = 0; i < n; i++) testRow.set(test.ids[i], i);
  const sampleIds = new Set<string>(Array.from(sample.ids));
  // A test id the sample lacks first (the test file is the one usually edited), then the reverse.
  const extra: number[] = [];
  for (let i = 0; i < n; i++) if (!sampleIds.has(test.ids[i])) extra.push(i);
  if (extra.length) {
    throw new DataError(
      test.file,
      `${test.column} ${shown(test, extra[0])} is not in ${sample.file}` +
        `${extra.length > 1 ? ` (nor are ${extra.length - 1} more of this file's ids)` : ''}; expected the same ${test.column}s in both files`,
      { row: fileRow(extra[0]), column: test.column },
    );
  }
  const order = new Int32Array(sample.ids.length);
  for (let j = 0; j < sample.ids.length; j++) {
    const i = testRow.get(sample.ids[j]);
    if (i === undefined) {
      let missing = 0;
      for (let k = j; k < sample.ids.length; k++) if (!testRow.has(sample.ids[k])) missing++;
      throw new DataError(
        sample.file,
        `${sample.column} ${shown(sample, j)} is not in ${test.file}` +
          `${missing > 1 ? ` (nor are ${missing - 1} more of the sample's ids)` : ''}; expected the same ${sample.column}s in both files`,
        { row: fileRow(j), column: sample.column },
      );
    }
    order[j] = i;
  }
  return order;
}

/** Rows of a row-major matrix (`width` values per row) in `order`; `order` null keeps the matrix. */
export function takeRowsInOrder<T extends Float32Array | Float64Array | Int32Array>(a: T, width: number, order: ArrayLike<number> | null): T {
  if (!order) return a;
  const out = new (a.constructor as { new (n: number): T })(order.length * width);
  for (let j = 0; j < order.length; j++) out.set(a.subarray(order[j] * width, (order[j] + 1) * width), j * width);
  return out;
}

/** Entries of a list in `order`; `order` null keeps the list. */
export function takeInOrder<T>(a: ArrayLike<T>, order: ArrayLike<number> | null): T[] {
  return order ? Array.from(order, (i) => a[i]) : Array.from(a);
}

/** A problem with one data row of a submission: the column it is in (when one) and what is wrong. */
export interface RowProblem {
  column?: string;
  problem: string;
}

export interface SubmissionSpec {
  /** The header the submission must have, exactly (sample_submission.csv's). */
  header: readonly string[];
  /** The ids in the order the submission must have them (canonical text). */
  ids: ArrayLike<string>;
  /** Where header and ids come from, for messages: 'sample_submission.csv' or 'the predictions'. */
  source: string;
  /** The canonical id of a field as written, or undefined when it is not a valid id. */
  canonicalId: (text: string) => string | undefined;
  /** What a valid id looks like, for messages (e.g. 'an integer eeg_id'). */
  idWhat: string;
  /** Checks the fields after the id of one data row (fields[0] is the id). */
  checkRow: (fields: string[]) => RowProblem | undefined;
}

/** A value as Kaggle would parse it; NaN for an empty or non-numeric field. */
export function fieldNumber(text: string): number {
  const t = text.trim();
  return t === '' ? NaN : Number(t);
}

/** The text of a field for a message: `an empty field` or 'text'. */
export function fieldText(text: string): string {
  return text.trim() === '' ? 'an empty field' : `'${text.length > 40 ? `${text.slice(0, 40)}...` : text}'`;
}

/** A probability field's problem, or undefined when it is a finite number in [0, 1]. */
export function probabilityProblem(text: string): string | undefined {
  const v = fieldNumber(text);
  return v >= 0 && v <= 1 ? undefined : `expected a probability (a finite number in [0, 1]), got ${fieldText(text)}`;
}

/**
 * Re-read a written submission (`file`, e.g. the temp file before the rename) and check it as
 * Kaggle would: the header exactly, one row per id, the ids in order, and each row's values.
 * Errors are DataErrors naming `shownAs` (the submission's final name), the row and the column.
 */
export async function validateSubmissionCsv(file: string, shownAs: string, spec: SubmissionSpec): Promise<void> {
  const fail = (problem: string, where?: { row?: number; column?: string }): never => {
    throw new DataError(shownAs, `${problem}; the submission was not written`, where);
  };
  const input = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  const width = spec.header.length;
  let row = 0;
  let n = 0;
  try {
    for await (const raw of lines) {
      row++;
      const line = row === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (row > 1 && line === '') continue; // a trailing newline, as pandas writes
      const fields = line.split(',');
      if (row === 1) {
        const k = spec.header.findIndex((h, j) => fields[j] !== h);
        if (k >= 0 || fields.length !== width) {
          const at = k >= 0 ? k : width;
          fail(
            `expected the header '${spec.header.join(',')}' (as ${spec.source}), got '${line.length > 200 ? `${line.slice(0, 200)}...` : line}'` +
              (at < fields.length ? ` (column ${at + 1} is '${fields[at]}'${at < width ? `, expected '${spec.header[at]}'` : ', expected no more columns'})` : ` (${fields.length} columns, expected ${width})`),
            { row: 1, ...(at < fields.length ? { column: fields[at] } : {}) },
          );
        }
        continue;
      }
      if (fields.length !== width) fail(`expected ${width} fields as in the header, got ${fields.length}`, { row });
      if (n >= spec.ids.length) fail(`has more data rows than the ${spec.ids.length} ids of ${spec.source}`, { row });
      const id = spec.canonicalId(fields[0]);
      if (id === undefined) fail(`expected ${spec.idWhat}, got ${fieldText(fields[0])}`, { row, column: spec.header[0] });
      if (id !== spec.ids[n]) {
        fail(`${spec.header[0]} ${fieldText(fields[0])} where ${spec.source} has '${spec.ids[n]}' on this row; expected the ids of ${spec.source} in its order`, {
          row,
          column: spec.header[0],
        });
      }
      const p = spec.checkRow(fields);
      if (p) fail(p.problem, { row, ...(p.column !== undefined ? { column: p.column } : {}) });
      n++;
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (row === 0) fail(`expected the header '${spec.header.join(',')}', got an empty file`, { row: 1 });
  if (n !== spec.ids.length) {
    fail(`has ${n} data rows, expected ${spec.ids.length} (one per id of ${spec.source}); the first missing id is '${spec.ids[n]}'`);
  }
}
