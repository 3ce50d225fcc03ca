// Entry point for `nx run moa:<target>`. The pipeline lands with issue #8;
// until then every target refuses loudly instead of pretending to succeed.
import { notBuiltYet } from '@repro/io';

const target = process.argv[2] ?? '(none)';
notBuiltYet('moa', target, 8);
