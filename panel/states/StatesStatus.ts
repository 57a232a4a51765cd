// Plain helpers of the States view (no Preact, no chrome.*; unit-tested): the finalize handler's
// status line, the reaction cell's text, and the problem list.
import { textOf } from '../model/bounded';
import type { TabRecord } from '../model/tab-store';
import type { Copied, FinalizeOptions, InjectRecord } from '../../src/shared/protocol';
import type { ParseProblem } from '../../src/shared/interaction-states';
import type { Reaction, ResponseSummary, Timeline } from './timeline';
import { formatClock, formatDuration } from '../model/summary';

/** Panel views stay mounted behind hidden tabs (App.tsx): true while `el`'s tab is not shown. */
export function inHiddenTab(el: Element | null): boolean {
  return el?.closest('[hidden]') != null;
}

/** `data-state` of the finalize status. `installing`: switched on, the page has not answered yet. */
export type FinalizeState = 'installed' | 'waiting' | 'fired' | 'failed' | 'removed' | 'off' | 'installing';

export interface FinalizeStatusView {
  state: FinalizeState;
  text: string;
}

export interface FinalizeStatusInput {
  records: readonly TabRecord[];
  /** The tab's current top document; records of earlier documents do not count. */
  topDocId: string | undefined;
  /** The switch, as the service worker reports it. */
  settings: FinalizeOptions | undefined;
  /** The worker's last injection error (panel clock). */
  error?: { feature: string; message: string; time: number };
}

/** The latest `t:'inject'` record of `feature` in document `docId` (that `accept`s). */
export function latestInject(
  records: readonly TabRecord[],
  docId: string | undefined,
  feature: InjectRecord['feature'],
  accept: (record: InjectRecord) => boolean = () => true,
): InjectRecord | undefined {
  if (docId === undefined) return undefined;
  for (let i = records.length - 1; i >= 0; i--) {
    const { docId: d, record } = records[i]!;
    if (d === docId && record.t === 'inject' && record.feature === feature && accept(record)) return record;
  }
  return undefined;
}

function text(v: Copied | undefined): string {
  return textOf(v);
}

/** Who installed the handler a record reports: a site may ship finalize-handler.js itself. */
function installedBySite(record: InjectRecord): boolean {
  const options = record.detail?.options;
  return typeof options === 'object' && options !== null && !Array.isArray(options) && options.source === 'site';
}

/** "fired 12:03:04.123 — injectMessage (Finalizing)" and the like. */
export function describeInjectRecord(record: InjectRecord): string {
  const d = record.detail ?? {};
  switch (record.state) {
    case 'installed':
      return d.bus ? `installed (${text(d.bus)})` : 'installed';
    case 'waiting':
      return 'waiting for the bus';
    case 'fired': {
      const command = text(d.command).replace(/^WebChat\./, '') || text(d.action);
      const synthetic = d.synthetic === true ? ', synthetic' : '';
      return `fired ${formatClock(record.time)} — ${command} (${text(d.state)}${synthetic})`;
    }
    case 'failed':
      return `failed: ${text(d.error) || 'unknown error'}`;
    case 'removed':
      return 'removed from the page';
    case 'delivered':
      return `delivered ${text(d.state)} (synthetic)`;
    default:
      return textOf(record.state);
  }
}

export function finalizeStatus(input: FinalizeStatusInput): FinalizeStatusView {
  const last = latestInject(input.records, input.topDocId, 'finalize');
  const error = input.error?.feature === 'finalize' && (!last || input.error.time >= last.time) ? input.error : undefined;
  if (error) return { state: 'failed', text: `failed: ${error.message}` };
  if (input.settings) {
    if (!last || last.state === 'removed') return { state: 'installing', text: 'installing…' };
    return { state: last.state as FinalizeState, text: describeInjectRecord(last) };
  }
  if (last && last.state !== 'removed' && last.state !== 'failed') {
    // Off in CX Lens, yet a handler reports: the page ships its own copy (data-auto-install).
    const install = latestInject(input.records, input.topDocId, 'finalize', (r) => r.state === 'installed' || r.state === 'waiting');
    if (install && installedBySite(install)) {
      return { state: last.state as FinalizeState, text: `${describeInjectRecord(last)} — the page's own copy` };
    }
  }
  if (last?.state === 'removed') return { state: 'removed', text: 'off (removed from the page)' };
  return { state: 'off', text: 'off' };
}

/** The reaction cell's text. */
export function reactionText(reaction: Reaction): string {
  switch (reaction.kind) {
    case 'inject':
    case 'end': {
      const after = reaction.afterMs === undefined ? '' : ` after ${formatDuration(reaction.afterMs)}`;
      const by = reaction.commander ? ` (${reaction.commander})` : '';
      const outcome = reaction.outcome && reaction.outcome !== 'resolved' ? ` · ${reaction.outcome}` : '';
      return `${reaction.command ?? reaction.kind}${after}${by}${outcome}`;
    }
    case 'none':
      return '⚠ no reaction: the page neither injected a message nor ended the chat';
    case 'pending':
      return 'waiting for the page to react…';
  }
}

/** One line of the problem list. */
export interface ProblemItem {
  key: string;
  code: string;
  time: number;
  source: string;
  title: string;
  detail: string[];
  url?: string;
}

/** Malformed responses (with their own problems folded in), then every other problem, by time. */
export function problemItems(timeline: Timeline): ProblemItem[] {
  const malformed = timeline.responses.filter((r): r is ResponseSummary & { malformed: string } => r.malformed !== null);
  const ofResponse = (p: ParseProblem, r: ResponseSummary) => p.source === 'network' && p.url === r.url && p.seenAt === r.seenAt;
  const items: ProblemItem[] = malformed.map((r, i) => ({
    key: `response-${i}-${r.seenAt}`,
    code: 'malformed-response',
    time: r.seenAt,
    source: 'network',
    title: `Malformed chat API response: ${r.malformed}`,
    detail: timeline.problems.filter((p) => ofResponse(p, r) && p.message !== r.malformed).map((p) => p.message),
    url: r.url,
  }));
  timeline.problems.forEach((p, i) => {
    if (malformed.some((r) => ofResponse(p, r))) return;
    const item: ProblemItem = { key: `problem-${i}-${p.seenAt}`, code: p.code, time: p.seenAt, source: p.source, title: p.message, detail: [] };
    if (p.url) item.url = p.url;
    items.push(item);
  });
  return items.sort((a, b) => a.time - b.time);
}

