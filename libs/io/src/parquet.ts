import * as fs from 'fs';
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, ColumnData, FileMetaData } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { BasicType, ColumnSource } from 'hyparquet-writer';
import { writeFileAtomic } from './atomic';
import { DataError } from './errors';

/**
 * A column as read: FLOAT -> Float32Array, DOUBLE -> Float64Array, INT32 ->
 * Int32Array, INT64 -> BigInt64Array, strings -> string[], BOOLEAN ->
 * boolean[]; other types (dates, nested) as hyparquet decodes them.
 */
export type ParquetColumn = Float32Array | Float64Array | Int32Array | BigInt64Array | string[] | boolean[] | unknown[];

/** Columns `writeParquet` can write. */
export type ParquetWritableColumn = Float32Array | Float64Array | Int32Array | BigInt64Array | string[] | boolean[];

export interface ParquetReadOptions {
  /**
   * Columns to read (in this order); others are not decoded.
   * @default all columns
   */
  columns?: string[];
}

export interface ParquetTable {
  columns: Record<string, ParquetColumn>;
  nRows: number;
  /** The names read, in order. */
  columnNames: string[];
}

export interface ParquetWriteOptions {
  /**
   * Rows per row group (the unit readers can skip or read in parallel).
   * @default 100000
   */
  rowGroupSize?: number;
}

const MAGIC = 'PAR1';
/** "PAR1", the footer's 4-byte length and "PAR1": the smallest a parquet file can be. */
const MIN_PARQUET_BYTES = 12;
const COPY_AGAIN = 'it was probably cut short while copying: copy it again';

/** Bytes as text where printable, else as hex: what a wrong start or end looks like. */
function showBytes(b: Uint8Array): string {
  const text = Buffer.from(b).toString('latin1');
  return /^[\x20-\x7e]*$/.test(text) ? JSON.stringify(text) : `bytes ${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ')}`;
}

/**
 * What is wrong with a file's layout, from its size, first 4 and last 8 bytes
 * (a parquet file is "PAR1" ... footer, footer length (uint32 LE), "PAR1"),
 * or undefined when it looks whole. A file cut short while copying starts
 * right but lacks its end, which is worth saying: the fix is to copy it again.
 */
function layoutProblem(size: number, head: Uint8Array, tail: Uint8Array): string | undefined {
  const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
  if (size === 0) return 'not a parquet file: it is empty (0 bytes)';
  if (text(head) !== MAGIC.slice(0, head.length)) {
    return `not a parquet file: it starts with ${showBytes(head)}, expected the magic "${MAGIC}"`;
  }
  if (size < MIN_PARQUET_BYTES) {
    return `not a complete parquet file: it is ${size} bytes, fewer than the ${MIN_PARQUET_BYTES} of the smallest parquet file ("${MAGIC}", footer length, "${MAGIC}"); ${COPY_AGAIN}`;
  }
  const end = tail.subarray(tail.length - 4);
  if (text(end) !== MAGIC) {
    return `not a complete parquet file: it is ${size} bytes and does not end with the footer magic "${MAGIC}" (ends with ${showBytes(end)}); ${COPY_AGAIN}`;
  }
  const footer = new DataView(tail.buffer, tail.byteOffset, tail.byteLength).getUint32(0, true);
  if (footer > size - MIN_PARQUET_BYTES) {
    return (
      `not a complete parquet file: its footer length says ${footer} bytes, but the file is only ${size} bytes ` +
      `(expected at least ${footer + MIN_PARQUET_BYTES}); it was probably cut short or damaged while copying: copy it again`
    );
  }
  return undefined;
}

/** An AsyncBuffer over a local file that reads only the byte ranges asked for. */
async function fileBuffer(file: string): Promise<{ buf: AsyncBuffer; close: () => Promise<void> }> {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new DataError(file, 'file not found (expected a parquet file)');
  }
  if (!st.isFile()) throw new DataError(file, 'expected a parquet file (PAR1 magic), got a directory or special file');
  const fh = await fs.promises.open(file, 'r');
  const size = st.size;
  const readRange = async (start: number, end: number): Promise<ArrayBuffer> => {
    const out = new Uint8Array(end - start);
    let off = 0;
    while (off < out.length) {
      const { bytesRead } = await fh.read(out, off, out.length - off, start + off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return out.buffer;
  };
  try {
    const head = new Uint8Array(await readRange(0, Math.min(4, size)));
    const tail = size >= 8 ? new Uint8Array(await readRange(size - 8, size)) : new Uint8Array(0);
    const problem = layoutProblem(size, head, tail);
    if (problem) throw new DataError(file, problem);
  } catch (err) {
    await fh.close();
    throw err;
  }
  const buf: AsyncBuffer = {
    byteLength: size,
    slice: (start: number, end?: number) => readRange(start, end ?? size),
  };
  return { buf, close: () => fh.close() };
}

async function metadataOf(file: string, buf: AsyncBuffer): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(buf);
  } catch (err) {
    throw new DataError(file, `expected a parquet file, but its footer is unreadable: ${(err as Error).message}`);
  }
}

function topLevelNames(metadata: FileMetaData): string[] {
  return parquetSchema(metadata).children.map((c) => c.element.name);
}

/** Column names of a parquet file, read from its footer only. */
export async function readParquetSchema(file: string): Promise<string[]> {
  const { buf, close } = await fileBuffer(file);
  try {
    return topLevelNames(await metadataOf(file, buf));
  } finally {
    await close();
  }
}

type TypedCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | BigInt64ArrayConstructor;

/**
 * Join row-group chunks (sorted by rowStart: onChunk may deliver them out of
 * order) into one column. Nullable FLOAT/DOUBLE columns arrive as plain
 * arrays with nulls; they become Float32Array/Float64Array with NaN for null,
 * and a nullable INT32 with nulls becomes Float64Array (as pandas does).
 */
function joinChunks(chunks: ColumnData[], nRows: number, physicalType: string | undefined): ParquetColumn {
  chunks.sort((a, b) => a.rowStart - b.rowStart);
  const fill = (Ctor: TypedCtor, missing: number | bigint | null): ParquetColumn => {
    const out = new Ctor(nRows);
    for (const c of chunks) {
      const d = c.columnData as ArrayLike<unknown>;
      if (ArrayBuffer.isView(d) && d.constructor === Ctor) out.set(d as never, c.rowStart);
      else {
        for (let i = 0; i < d.length; i++) {
          const v = d[i];
          (out as unknown as unknown[])[c.rowStart + i] = v === null || v === undefined ? missing : v;
        }
      }
    }
    return out;
  };
  const hasNull = chunks.some((c) => !ArrayBuffer.isView(c.columnData) && (c.columnData as unknown[]).some((v) => v === null || v === undefined));
  if (physicalType === 'FLOAT') return fill(Float32Array, NaN);
  if (physicalType === 'DOUBLE') return fill(Float64Array, NaN);
  if (physicalType === 'INT32' && chunks.every((c) => c.columnData instanceof Int32Array || Array.isArray(c.columnData))) {
    return hasNull ? fill(Float64Array, NaN) : fill(Int32Array, 0);
  }
  if (physicalType === 'INT64' && !hasNull && chunks.every((c) => c.columnData instanceof BigInt64Array || Array.isArray(c.columnData))) {
    return fill(BigInt64Array, 0n);
  }
  // Strings, booleans, logical types (dates, decimals...): as hyparquet decodes them.
  const out = new Array<unknown>(nRows);
  for (const c of chunks) {
    const d = c.columnData as ArrayLike<unknown>;
    for (let i = 0; i < d.length; i++) out[c.rowStart + i] = d[i];
  }
  return out;
}

/**
 * Read a parquet file into whole columns, column-oriented (no per-row
 * objects, which for millions of rows would cost seconds and gigabytes).
 */
export async function readParquet(file: string, options: ParquetReadOptions = {}): Promise<ParquetTable> {
  const { buf, close } = await fileBuffer(file);
  try {
    const metadata = await metadataOf(file, buf);
    const tree = parquetSchema(metadata);
    const available = tree.children.map((c) => c.element.name);
    const columnNames = options.columns ?? available;
    const missing = columnNames.filter((c) => !available.includes(c));
    if (missing.length) {
      throw new DataError(
        file,
        `expected column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}, but the file has: ${available.join(', ')}`,
      );
    }
    const nRows = Number(metadata.num_rows);
    const chunks: Record<string, ColumnData[]> = Object.fromEntries(columnNames.map((c) => [c, []]));
    // onChunk may deliver row groups out of order; joinChunks sorts by rowStart.
    await parquetRead({ file: buf, metadata, columns: columnNames, onChunk: (c) => chunks[c.columnName]?.push(c) });
    const columns: Record<string, ParquetColumn> = {};
    for (const name of columnNames) {
      const el = tree.children.find((c) => c.element.name === name)!.element;
      // Logical/converted types (dates, decimals, int8...) are left to hyparquet's decoding.
      const plain = !el.converted_type && !el.logical_type && !el.num_children;
      columns[name] = joinChunks(chunks[name], nRows, plain ? el.type : undefined);
    }
    return { columns, nRows, columnNames };
  } finally {
    await close();
  }
}

function parquetTypeOf(name: string, values: ParquetWritableColumn): BasicType {
  if (values instanceof Float32Array) return 'FLOAT';
  if (values instanceof Float64Array) return 'DOUBLE';
  if (values instanceof Int32Array) return 'INT32';
  if (values instanceof BigInt64Array) return 'INT64';
  if (Array.isArray(values)) {
    const firstSet = values.find((v) => v !== null && v !== undefined);
    if (firstSet === undefined || typeof firstSet === 'string') return 'STRING';
    if (typeof firstSet === 'boolean') return 'BOOLEAN';
  }
  throw new TypeError(
    `writeParquet: column '${name}' is ${(values as object)?.constructor?.name ?? typeof values} ` +
      `(expected Float32Array, Float64Array, Int32Array, BigInt64Array, string[] or boolean[])`,
  );
}

/**
 * Write columns as a parquet file (snappy, atomically). Typed arrays keep
 * their width (Float32Array -> FLOAT, not widened to DOUBLE) and are
 * non-nullable; NaN stays NaN.
 */
export async function writeParquet(
  file: string,
  columns: Record<string, ParquetWritableColumn>,
  options: ParquetWriteOptions = {},
): Promise<void> {
  const names = Object.keys(columns);
  if (!names.length) throw new TypeError(`writeParquet(${file}): expected at least one column, got none`);
  const nRows = columns[names[0]].length;
  const columnData: ColumnSource[] = names.map((name) => {
    const data = columns[name];
    if (data.length !== nRows) {
      throw new RangeError(`writeParquet(${file}): column '${name}' has ${data.length} values, expected ${nRows} (as column '${names[0]}')`);
    }
    const type = parquetTypeOf(name, data);
    const nullable = Array.isArray(data) && data.some((v) => v === null || v === undefined);
    return { name, data, type, nullable };
  });
  const bytes = parquetWriteBuffer({ columnData, rowGroupSize: options.rowGroupSize ?? 100_000 });
  writeFileAtomic(file, new Uint8Array(bytes));
}
