// The workspace as a user meets it: nx sees every project and every target.
// (Each solution's targets are exercised by its own e2e test in this folder.)
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const nx = path.join(root, 'node_modules', '.bin', 'nx');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

const LIBS = ['cv', 'dsp', 'features', 'io', 'layers', 'metrics'];
const SOLUTIONS = ['ion-switching', 'moa', 'hms-wavenet', 'hms-efficientnet'];

describe('nx workspace', () => {
  // One `nx graph` call (nx starts slowly) gives every project and its targets.
  let nodes: Record<string, { data: { targets: Record<string, unknown> } }>;
  beforeAll(() => {
    const file = path.join(os.tmpdir(), `repro-graph-${process.pid}.json`);
    execFileSync(nx, ['graph', `--file=${file}`], { cwd: root, env, encoding: 'utf8' });
    nodes = JSON.parse(fs.readFileSync(file, 'utf8')).graph.nodes;
    fs.rmSync(file, { force: true });
  });

  it('lists the six libraries and the four solutions', () => {
    for (const p of [...LIBS, ...SOLUTIONS]) expect(Object.keys(nodes)).toContain(p);
  });

  it.each(SOLUTIONS)('%s declares data, train, infer, ensemble and test', (name) => {
    expect(Object.keys(nodes[name].data.targets)).toEqual(expect.arrayContaining(['data', 'train', 'infer', 'ensemble', 'test']));
  });

  it.each(LIBS)('library %s has a test target', (name) => {
    expect(Object.keys(nodes[name].data.targets)).toContain('test');
  });
});
