// Entry point for `nx run ion-switching:<target>`. The pipeline lands with issue #7;
// until then every target refuses loudly instead of pretending to succeed.
import { notBuiltYet } from '@repro/io';

const target = process.argv[2] ?? '(none)';
notBuiltYet('ion-switching', target, 7);
