// Entry point for `nx run hms-efficientnet:<target>`. The pipeline lands with issue #9;
// until then every target refuses loudly instead of pretending to succeed.
import { notBuiltYet } from '@repro/io';

const target = process.argv[2] ?? '(none)';
notBuiltYet('hms-efficientnet', target, 9);
