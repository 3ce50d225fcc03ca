import * as fs from 'fs';
import * as path from 'path';
import { diskFullError } from './resources';

let counter = 0;

/** A temp path next to `file` (same filesystem, so rename is atomic). */
export function tempPathFor(file: string): string {
  counter += 1;
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${counter}`);
}

/** The pid that wrote a temp file named by tempPathFor (`.<name>.tmp-<pid>-<n>`), or undefined. */
export function tempFileWriter(name: string): number | undefined {
  const m = /\.tmp-(\d+)-\d+$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * Write a file so that readers see either the old content or the whole new
 * content, never a half-written file: write to a temp file, fsync, rename.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      // writeFileSync loops until every byte is written, unlike writeSync; parts go one after another
      // (a header and a large data view, without copying them into one buffer).
      for (const part of Array.isArray(data) ? data : [data as string | Uint8Array]) fs.writeFileSync(fd, part);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const bytes = (Array.isArray(data) ? data : [data]).reduce((n: number, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : (p as Uint8Array).byteLength), 0);
    throw diskFullError(err, file, bytes);
  }
}

/**
 * Run `write(tmpPath)` (for writers that stream to a path themselves) and
 * rename the result into place only when it finished without error.
 */
export async function withAtomicPath<T>(file: string, write: (tmp: string) => Promise<T> | T): Promise<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  try {
    const out = await write(tmp);
    fs.renameSync(tmp, file);
    return out;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw diskFullError(err, file);
  }
}
