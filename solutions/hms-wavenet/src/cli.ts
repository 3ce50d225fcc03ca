// Entry point for `nx run hms-wavenet:<target>`. The pipeline lands with issue #6;
// until then every target refuses loudly instead of pretending to succeed.
import { notBuiltYet } from '@repro/io';

const target = process.argv[2] ?? '(none)';
notBuiltYet('hms-wavenet', target, 6);
