/** The danfojs-node module (DataFrame, Series, readCSV, ...). */
export type Danfo = typeof import('danfojs-node');

/**
 * Warnings printed because danfojs-node brings its own copy of tfjs (4.21,
 * pinned by the npm `overrides` entry in package.json) that registers its
 * platform, backend and ~350 kernels into the global registry our tfjs 4.22
 * already filled. They are harmless (the registry keeps working) but bury
 * real output, so only these exact messages are dropped.
 */
export const DANFO_REGISTRATION_WARNINGS: readonly RegExp[] = [
  /^The kernel '[^']+' for backend '[^']+' is already registered$/,
  /^Platform \S+ has already been set\. Overwriting the platform with /,
  /^\S+ backend was already registered\. Reusing existing backend factory\.$/,
];

let cached: Danfo | undefined;

/**
 * Load danfojs-node on first use (it takes ~2 s and pulls in a second tfjs,
 * so code that never needs a DataFrame should not pay for it), silencing the
 * duplicate-registration warnings that loading it after our tfjs prints.
 */
export function loadDanfo(): Danfo {
  if (cached) return cached;
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === 'string' && DANFO_REGISTRATION_WARNINGS.some((re) => re.test(args[0] as string))) return;
    warn.apply(console, args);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require('danfojs-node') as Danfo;
  } finally {
    console.warn = warn;
  }
  return cached;
}
