// `npm run architecture`: the code-shape counts written in docs/architecture.md, measured on
// the working tree (table writes outside their owner, imports past an index.ts, import cycles,
// error codes made inline). The architecture tests (test/architecture/) fail when one is not 0.
import { REGISTRY } from '../../server/privacy/index.js';
import {
  callsOf,
  capabilityOf,
  importCycles,
  importsPastIndex,
  inlineErrorCodes,
  tableCalls,
  whoActsParameters,
} from './scan.js';

const tables = new Set(Object.keys(REGISTRY));
const calls = tableCalls(tables);
const outsideRepos = calls.filter((c) => !/(^|[-/])repo\.ts$/.test(c.file));
const ownerOf = (t: string) => (REGISTRY[t] as { owner?: string }).owner;
const foreignWrites = calls.filter((c) => c.access === 'write' && ownerOf(c.table) !== capabilityOf(c.file));
const cycles = importCycles();
const shapes = new Map<string, number>();
for (const p of whoActsParameters()) shapes.set(p.what, (shapes.get(p.what) ?? 0) + 1);
const settingsReads = callsOf('getSettings').filter((c) => !c.file.startsWith('server/settings/'));
const lines = [
  `tables declared                     ${tables.size}`,
  `table calls in server/              ${calls.length} (${calls.filter((c) => c.access === 'write').length} writes)`,
  `  of which outside repo files       ${outsideRepos.length}`,
  `table writes outside their owner    ${foreignWrites.length}`,
  `imports past another index.ts       ${importsPastIndex().length}`,
  `import cycles (files in them)       ${cycles.length} (${cycles.reduce((n, c) => n + c.length, 0)})`,
  `error codes made inline             ${inlineErrorCodes().length}`,
  `shapes of who acts (parameters)     ${shapes.size} (${[...shapes].map(([k, n]) => `${k} ${n}`).join(', ')})`,
  `settings read outside settings      ${settingsReads.length}`,
];
process.stdout.write(lines.join('\n') + '\n');
if (process.argv.includes('--list')) {
  for (const w of foreignWrites)
    process.stdout.write(`write ${w.table} (owner ${ownerOf(w.table)}) at ${w.file}:${w.line}\n`);
  for (const i of importsPastIndex()) process.stdout.write(`import ${i.target} at ${i.file}:${i.line}\n`);
  for (const c of cycles) process.stdout.write(`cycle ${c.join(' ')}\n`);
  for (const e of inlineErrorCodes()) process.stdout.write(`error ${e.code} at ${e.file}:${e.line}\n`);
}
