// The time to compute every finding of a 100,000-record log, in Node (no browser): the rule engine
// the panel and `cx-lens report` share. Runs alone (`node --import tsx bench/findings.ts`) and as
// part of `npm run bench`.
//
// The log is a real Widgets 9.0 session (test/fixtures/real-widgets-9.0/real-async-finalize.json:
// registrations, a chat with Finalizing/Active/Completed, the handler's reactions, Widgets' own
// refused commands) replayed as many chats as it takes, each with its own session, message ids,
// indexes and times. Every third chat has no handler (no-finalize-reaction), every fifth calls a
// misspelt command (unknown-command), every seventh has a command the bus rejected.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createTabModels, type TabModels } from '../src/analysis/store/tab-models';
import { computeFindings } from '../src/analysis/findings/engine';
import { FindingsModel } from '../src/analysis/findings/findings-model';
import type { CaptureRecord } from '../src/shared/protocol';

export const FINDINGS_LOG_RECORDS = 100_000;
const RUNS = 7;
const CHAT_SPACING_MS = 120_000;
const SOURCE = resolve(import.meta.dirname, '../test/fixtures/real-widgets-9.0/real-async-finalize.json');

interface Source {
  frames: { docId: string; url: string; origin: string; top: boolean; frameId: number; seenAt: number }[];
  records: { docId: string; record: CaptureRecord }[];
}

/** The log: `total` records of one document, as the store would hold them. */
export function buildLog(total = FINDINGS_LOG_RECORDS): { models: () => TabModels; records: CaptureRecord[]; end: number } {
  const source = JSON.parse(readFileSync(SOURCE, 'utf8')) as Source;
  const all = source.records.map((r) => r.record);
  const setup = all.filter((r) => r.t === 'plugin' || r.t === 'status');
  const chat = all.filter((r) => r.t !== 'plugin' && r.t !== 'status');
  const chatText = JSON.stringify(chat);
  const start = Math.min(...chat.map((r) => r.time));
  const records: CaptureRecord[] = [...setup];
  let nextId = 1_000_000;
  for (let k = 0; records.length < total; k++) {
    const shift = k * CHAT_SPACING_MS;
    // Each chat its own session, message ids, indexes and times.
    const text = chatText
      .replace(/"(id|sessionId|participantId)":"([0-9a-f-]{36})"/g, (_, key: string, id: string) => `"${key}":"${id}-${k}"`)
      .replace(/"(index|iTempIndex)":"(\d+)(-\d+)?"/g, (_, key: string, n: string, tail = '') => `"${key}":"${BigInt(n) + BigInt(k) * 1_000_000n}${tail}"`)
      .replace(/"(utcTime|timestamp)":"([^"]+)"/g, (_, key: string, iso: string) => `"${key}":"${new Date(Date.parse(iso) + shift).toISOString()}"`);
    let copy = JSON.parse(text) as CaptureRecord[];
    const ids = new Map<number, number>();
    const idOf = (id: number) => ids.get(id) ?? (ids.set(id, nextId++), ids.get(id)!);
    if (k % 3 === 1) {
      // No handler on this page: its reactions and their outcomes are not there.
      const reactions = new Set(copy.filter((r) => r.t === 'command' && r.name === 'WebChat.injectMessage').map((r) => (r as { id: number }).id));
      copy = copy.filter((r) => !((r.t === 'command' || r.t === 'outcome') && reactions.has(r.id)));
    }
    for (const r of copy) {
      r.time += shift;
      if (r.t === 'command' || r.t === 'outcome') r.id = idOf(r.id);
    }
    if (k % 5 === 2) copy.push({ t: 'command', seq: 0, time: start + shift + 500, id: nextId++, name: 'WebChat.opne', commander: 'CXBus', options: {} });
    if (k % 7 === 3) {
      const id = nextId++;
      copy.push({ t: 'command', seq: 0, time: start + shift + 600, id, name: 'WebChat.sendMessage', commander: 'CXBus', options: {} });
      copy.push({ t: 'outcome', seq: 0, time: start + shift + 610, id, outcome: 'rejected', value: 'There is no active chat session' });
    }
    copy.sort((a, b) => a.time - b.time);
    records.push(...copy);
  }
  records.length = total;
  records.forEach((r, i) => (r.seq = i + 1));
  const end = records[records.length - 1]!.time + 60_000;
  const frame = { ...source.frames[0]!, seenAt: start - 1000 };
  const models = () => {
    const m = createTabModels({ now: () => end });
    m.store.feed.connection('connected');
    m.store.feed.frame(frame);
    for (let i = 0; i < records.length; i += 500) m.store.feed.records(frame.docId, records.slice(i, i + 500), 0);
    return m;
  };
  return { models, records, end };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface FindingsBench {
  records: number;
  findings: number;
  byRule: Record<string, number>;
  /** All findings from models just fed (the States timeline built on the way), median ms. */
  coldMs: number;
  /** Again after one more record arrived (the live panel's case), median ms. */
  afterOneRecordMs: number;
  /** FindingsModel.current with nothing changed (throttled: the cached list), median ms. */
  cachedMs: number;
  /** CPU time of the same (user + system), median ms: what the figure is on a machine not shared. */
  coldCpuMs: number;
  afterOneRecordCpuMs: number;
}

export function benchFindings(total = FINDINGS_LOG_RECORDS): FindingsBench {
  const log = buildLog(total);
  const cold: number[] = [];
  const warm: number[] = [];
  const cached: number[] = [];
  const coldCpu: number[] = [];
  const warmCpu: number[] = [];
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  let last: ReturnType<typeof computeFindings> = [];
  for (let run = 0; run < RUNS; run++) {
    const models = log.models();
    let cpu = process.cpuUsage();
    let t = performance.now();
    last = computeFindings(models, log.end);
    cold.push(performance.now() - t);
    coldCpu.push(cpuMs(cpu));
    const extra: CaptureRecord = { t: 'event', seq: total + 1, time: log.end - 1000, name: 'WebChat.messageAdded', publisher: 'WebChat', via: 'publish', data: {} };
    models.store.feed.records(models.store.records[0]!.docId, [extra], 0);
    cpu = process.cpuUsage();
    t = performance.now();
    computeFindings(models, log.end);
    warm.push(performance.now() - t);
    warmCpu.push(cpuMs(cpu));
    const model = new FindingsModel(models);
    model.current(log.end);
    t = performance.now();
    model.current(log.end + 10);
    cached.push(performance.now() - t);
  }
  const byRule: Record<string, number> = {};
  for (const f of last) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  return { records: total, findings: last.length, byRule, coldMs: median(cold), afterOneRecordMs: median(warm), cachedMs: median(cached),
    coldCpuMs: median(coldCpu), afterOneRecordCpuMs: median(warmCpu),
  };
}

export function printFindingsBench(b: FindingsBench): void {
  const fmt = (x: number) => x.toFixed(1);
  console.log(`  findings   ${b.records} records → ${b.findings} findings in ${fmt(b.coldMs)} ms (fresh models, CPU ${fmt(b.coldCpuMs)} ms); ${fmt(b.afterOneRecordMs)} ms after one more record (CPU ${fmt(b.afterOneRecordCpuMs)} ms); ${b.cachedMs.toFixed(3)} ms from FindingsModel's cache`);
  console.log(`             ${Object.entries(b.byRule).map(([rule, n]) => `${rule} ×${n}`).join(', ')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`\nCX Lens findings benchmark (Node ${process.version}), median of ${RUNS} runs`);
  printFindingsBench(benchFindings());
}
