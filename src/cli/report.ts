// What `cx-lens report` says about a file: built from the same models the panel shows the file
// with (src/analysis/files/load.ts), read through the findings engine's own context (the States
// timeline and the Cookie sync verdict, records the page made left out), never from a second
// reading of the file. Plain data: the text and JSON outputs render it.
import type { Copied } from '../shared/protocol';
import type { TabModels } from '../analysis/store/tab-models';
import type { ParsedFile, FileKind } from '../analysis/files/parse';
import { buildContext, type FindingContext } from '../analysis/findings/context';
import type { SyncState } from '../analysis/cookies/sync-verdict';
import type { ViolationRule } from '../analysis/cookies/violations';
import type { Reaction, Segment, Timeline } from '../analysis/states/timeline';
import type { Finding, Severity } from '../analysis/findings/types';
import type { RuleFailure } from '../analysis/findings/engine';
import { maskSecrets } from '../analysis/text/secrets';

/** Bumped when a field of the JSON output is removed, renamed or changes meaning. */
export const REPORT_VERSION = 1;

export interface ReportFile {
  name: string;
  kind: FileKind;
  /** The top frame's URL ('' when the file does not say). */
  page: string;
  /** ms epoch: when it was saved (recording, export) or its last chat response (HAR); null if unknown. */
  time: number | null;
  /** Whether the file itself was saved with secrets masked (null: it does not say). The report
   *  masks them either way. */
  secretsMasked: boolean | null;
  lensVersion?: string;
}

interface RowCommon {
  /** ms epoch (page clock): when CX Lens first saw it. */
  time: number;
  /** The server's time of the message, when it gave one. */
  utcTime?: string;
  sources: string[];
  /** Only seen in a restore or a history page. */
  history: boolean;
  /** Delivered by CX Lens's Simulate, not by the server. */
  synthetic: boolean;
}

export interface ReportStateRow extends RowCommon {
  kind: 'state';
  state: string;
  known: boolean;
  /** What the page did after a live Finalizing/Completed; null for other states. */
  reaction: Reaction | null;
}

export interface ReportMessageRow extends RowCommon {
  kind: 'message';
  from: 'customer' | 'agent';
  /** A customer message after Finalizing/Completed that opened a new segment. */
  flagged: boolean;
}

export type ReportRow = ReportStateRow | ReportMessageRow;

export interface ReportSession {
  sessionId: string | null;
  segments: { n: number; openedBy: Segment['openedBy']; rows: ReportRow[] }[];
  /** Customer messages after the agent finished, each of which opened a segment. */
  flags: { segment: number; afterState: string; message: string }[];
}

export interface ReportCookieSync {
  state: SyncState;
  reason: string;
  iframeUrl: string | null;
  violations: { rule: ViolationRule; severity: 'error' | 'warning'; subject: string; message: string; count: number }[];
}

export interface Report {
  tool: 'cx-lens';
  reportVersion: typeof REPORT_VERSION;
  file: ReportFile;
  chat: {
    /** From the page's Widgets config (`transport.async.enabled`), as the hook reported it. */
    mode: Timeline['mode'];
    /** Chat API message responses read (from the recording's network, or the HAR). */
    responses: number;
    /** A bus was tapped on the page: without one, CX Lens cannot see the page's reactions. */
    busTapped: boolean;
    sessions: ReportSession[];
  };
  /** The Cookie sync verdict; null for a HAR, which holds no cookie channel. (Not named
   *  "cookies": the masking takes a key of that name for a cookie header and masks it whole.) */
  cookieSync: ReportCookieSync | null;
  findings: Finding[];
  counts: Record<Severity, number>;
  /** The rules that failed (CX Lens's own failure): what they check is unknown, so `findings` is
   *  incomplete. Empty when every rule ran. */
  rulesFailed: RuleFailure[];
}

export interface ReportInput {
  file: ParsedFile;
  models: TabModels;
  findings: readonly Finding[];
  /** The rules that failed (runRules); none when not given. */
  failed?: readonly RuleFailure[];
}

/** The report of a loaded file, secrets masked. */
export function buildReport({ file, models, findings, failed = [] }: ReportInput): Report {
  // What the rules read: the timeline and the verdict the findings were drawn from.
  const context = buildContext(models, file.clock);
  const { timeline } = context;
  const live = new Set(models.store.liveDocs().map((d) => d.frame.docId));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) if (f.severity in counts) counts[f.severity]++;
  const report: Report = {
    tool: 'cx-lens',
    reportVersion: REPORT_VERSION,
    file: {
      name: file.name,
      kind: file.kind,
      page: file.page,
      time: file.time > 0 ? file.time : null,
      secretsMasked: file.secretsMasked,
      ...(file.lensVersion ? { lensVersion: file.lensVersion } : {}),
    },
    chat: {
      mode: timeline.mode,
      responses: timeline.responses.length,
      // As the States tab judges it: a live document whose hook reported a tapped bus.
      busTapped: context.statuses.some((s) => live.has(s.docId) && s.status.cxbus === 'tapped'),
      sessions: timeline.sessions.map(sessionOf),
    },
    cookieSync: file.kind === 'har' ? null : cookieSyncOf(context),
    findings: [...findings],
    counts,
    rulesFailed: failed.map((f) => ({ rule: f.rule, error: f.error })),
  };
  // A recording saved with "Keep secrets", or a HAR, holds them: the report never shows them.
  return maskSecrets(report as unknown as Copied, { maxDepth: 64, maxNodes: Number.MAX_SAFE_INTEGER }).value as unknown as Report;
}

/** Whether the report has a finding of severity error (the command's exit code 1). */
export function hasErrors(report: Report): boolean {
  return report.counts.error > 0;
}

function sessionOf(session: Timeline['sessions'][number]): ReportSession {
  return {
    sessionId: session.sessionId,
    segments: session.segments.map((segment) => ({
      n: segment.n,
      openedBy: segment.openedBy,
      rows: segment.rows.map((row): ReportRow => {
        const common: RowCommon = { time: row.seenAt, sources: [...row.sources], history: row.history, synthetic: row.synthetic };
        if (row.utcTime) common.utcTime = row.utcTime;
        return row.kind === 'state'
          ? { kind: 'state', ...common, state: row.state, known: row.known, reaction: row.reaction }
          : { kind: 'message', ...common, from: row.from, flagged: row.flagged };
      }),
    })),
    flags: session.flags.map((f) => ({ segment: f.segment, afterState: f.afterState, message: f.message })),
  };
}

/** The Cookie sync tab's verdict and violations, as the rules read them. */
function cookieSyncOf({ cookieSync: sync }: FindingContext): ReportCookieSync {
  return {
    state: sync.verdict.state,
    reason: sync.verdict.reason,
    iframeUrl: sync.iframeUrl,
    violations: sync.violations.map((v) => ({ rule: v.rule, severity: v.severity, subject: v.subject, message: v.message, count: v.count })),
  };
}
