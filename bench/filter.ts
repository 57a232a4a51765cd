// The time to filter a 100,000-row Bus log with a compound filter, in Node (no browser): the
// filter the Bus view runs when its text changes. Runs alone (`node --import tsx bench/filter.ts`)
// and as part of `npm run bench`. Goal: under 100 ms.
//
// The log is bench/findings.ts's: the real Widgets 9.0 session replayed as many chats as it takes.
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { buildLog } from './findings';
import { FilteredRows, parseFilter } from '../src/analysis/bus/filter';

const RUNS = 7;
export const FILTER_GOAL_MS = 100;
/** Text, a regular expression, a payload field through arrays, keywords, negation and OR. */
export const COMPOUND_FILTER = 'webchatservice -/polling|capabilities/ OR data.originalMessages.data.interactionState:/^(finalizing|completed)$/ OR kind:command -outcome:resolved';

export interface FilterBench {
  rows: number;
  matched: number;
  filter: string;
  /** Median time to parse the filter and filter every row from scratch. */
  ms: number;
  cpuMs: number;
}

export function benchFilter(): FilterBench {
  // Outcomes pair with their commands: 120,000 records make the Bus's 100,000 rows (its cap).
  const models = buildLog(120_000).models();
  const bus = models.bus;
  const times: number[] = [];
  const cpus: number[] = [];
  let matched = 0;
  for (let run = 0; run < RUNS; run++) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    const filter = parseFilter(COMPOUND_FILTER);
    matched = new FilteredRows().update(bus.rows, filter, bus.listVersion, bus.outcomeVersion).length;
    times.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { rows: bus.rows.length, matched, filter: COMPOUND_FILTER, ms: median(times), cpuMs: median(cpus) };
}

export function printFilterBench(b: FilterBench): void {
  console.log(`  filter     ${b.rows} Bus rows filtered in ${b.ms.toFixed(1)} ms (CPU ${b.cpuMs.toFixed(1)} ms; goal < ${FILTER_GOAL_MS} ms), ${b.matched} match`);
  console.log(`             ${b.filter}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`\nCX Lens filter benchmark (Node ${process.version}), median of ${RUNS} runs`);
  printFilterBench(benchFilter());
}
