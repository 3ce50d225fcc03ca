// Module boundaries, enforced: libraries never import solutions, solutions
// never import each other, and everyone reaches a library only through its
// public face (`@repro/<lib>`, i.e. libs/<lib>/src/index.ts).
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('__') ? [] : sourceFiles(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Module specifiers of static imports, re-exports, require() and import(). */
export function importsOf(text: string): string[] {
  const re = /(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)['"]([^'"]+)['"]/g;
  return [...text.matchAll(re)].map((m) => m[1]);
}

/** Which project a file belongs to: 'lib:<name>', 'solution:<name>' or 'other'. */
function owner(file: string): string {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'libs') return `lib:${rel[1]}`;
  if (rel[0] === 'solutions') return `solution:${rel[1]}`;
  return 'other';
}

function violations(file: string): string[] {
  const who = owner(file);
  const out: string[] = [];
  for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
    const target = spec.startsWith('.') ? owner(path.resolve(path.dirname(file), spec)) : 'other';
    if (/^@repro\/[^/]+\/.+/.test(spec)) out.push(`${spec}: deep import (use the library's index)`);
    if (/^@repro-solutions\//.test(spec)) out.push(`${spec}: solutions are not importable`);
    if (target !== who && target !== 'other') out.push(`${spec}: relative import across projects (${who} -> ${target})`);
    if (/(^|\/)(libs|solutions)\//.test(spec) && !spec.startsWith('.')) out.push(`${spec}: path import of a project`);
  }
  return out.map((v) => `${path.relative(root, file)}: ${v}`);
}

describe('module boundaries', () => {
  it('parses the import forms we use', () => {
    expect(importsOf(`import a from 'x'; export * from './y'; const z = require('z'); await import("w"); import 'side';`)).toEqual([
      'x',
      './y',
      'z',
      'w',
      'side',
    ]);
  });

  it('flags a solution importing another solution and a deep library import', () => {
    const fake = path.join(root, 'solutions', 'moa', 'src', 'x.ts');
    const who = owner(fake);
    expect(who).toBe('solution:moa');
    expect(owner(path.resolve(path.dirname(fake), '../../hms-wavenet/src/cli'))).toBe('solution:hms-wavenet');
  });

  it('holds for every source file', () => {
    const files = [...sourceFiles(path.join(root, 'libs')), ...sourceFiles(path.join(root, 'solutions'))];
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(violations)).toEqual([]);
  });
});

// nx draws no edge from an `@repro/<lib>` path alias by itself (no @nx/js plugin here), so every
// project declares the libraries it imports in project.json's implicitDependencies; without them a
// library change would leave the solutions' cached test results (and `nx affected`) stale.
describe('project graph', () => {
  const projects = ['libs', 'solutions'].flatMap((d) => fs.readdirSync(path.join(root, d)).map((n) => path.join(root, d, n))).concat(path.join(root, 'tools'));
  it.each(projects.map((p) => [path.relative(root, p), p]))('%s declares every @repro library it imports', (_rel, dir) => {
    const project = JSON.parse(fs.readFileSync(path.join(dir, 'project.json'), 'utf8')) as { name: string; implicitDependencies?: string[] };
    const used = new Set(
      sourceFiles(dir)
        .flatMap((f) => importsOf(fs.readFileSync(f, 'utf8')))
        .map((s) => /^@repro\/([a-z-]+)$/.exec(s)?.[1])
        .filter((n): n is string => n !== undefined && n !== project.name),
    );
    expect((project.implicitDependencies ?? []).filter((d) => used.has(d)).sort()).toEqual([...used].sort());
  });
});
