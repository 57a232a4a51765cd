// The report as text for a terminal: the file, each chat session with its states and the page's
// reactions, the Cookie sync verdict, and the findings with their evidence and fix. Colours only
// when asked (the entry asks when stdout is a terminal). Times are UTC, so that a report reads the
// same wherever it is run.
import { reactionText } from '../analysis/states/status';
import { plural } from '../analysis/text/summary';
import { maskString } from '../analysis/text/secrets';
import { visibleControls } from '../analysis/text/visible';
import type { Finding, Severity } from '../analysis/findings/types';
import type { Report, ReportRow, ReportSession } from './report';

export interface TextOptions {
  color: boolean;
}

const KIND: Record<Report['file']['kind'], string> = {
  recording: 'CX Lens recording',
  export: 'CX Lens Bus Export',
  har: 'HAR file',
};

const OPENED_BY: Record<ReportSession['segments'][number]['openedBy'], string> = {
  start: 'the chat start',
  active: 'Active',
  'customer-after-finalize': 'a customer message after the segment ended',
};

const SEVERITY_LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

/** ANSI styles, or none. */
interface Style {
  bold(s: string): string;
  dim(s: string): string;
  severity(severity: Severity, s: string): string;
  good(s: string): string;
  bad(s: string): string;
}

const PLAIN: Style = { bold: (s) => s, dim: (s) => s, severity: (_v, s) => s, good: (s) => s, bad: (s) => s };
const ansi = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const COLORED: Style = {
  bold: ansi('1'),
  dim: ansi('2'),
  severity: (severity, s) => (severity === 'error' ? ansi('1;31') : severity === 'warning' ? ansi('1;33') : ansi('1;36'))(s),
  good: ansi('32'),
  bad: ansi('31'),
};

/** The report as lines of text, ending with a newline. */
export function reportText(unsafe: Report, options: TextOptions): string {
  const report = terminalSafe(unsafe) as Report;
  const style = options.color ? COLORED : PLAIN;
  const out: string[] = [];
  header(report, style, out);
  out.push('');
  sessions(report, style, out);
  out.push('');
  cookieSync(report, style, out);
  out.push('');
  findings(report, style, out);
  return out.map((line) => line.trimEnd()).join('\n') + '\n';
}

function header(report: Report, style: Style, out: string[]): void {
  const { file } = report;
  out.push(style.bold(`CX Lens report: ${file.name}`));
  const saved = file.time === null ? '' : `${file.kind === 'har' ? ', last chat response' : ', saved'} ${utcDateTime(file.time)}`;
  const version = file.lensVersion ? `, by CX Lens ${file.lensVersion}` : '';
  out.push(`  ${KIND[file.kind]}${saved}${version}`);
  if (file.page) out.push(`  Page: ${file.page}`);
  out.push(style.dim('  Times are UTC. Secrets are masked.'));
}

function sessions(report: Report, style: Style, out: string[]): void {
  const { chat } = report;
  const responses = `${chat.responses} chat API ${chat.responses === 1 ? 'response' : 'responses'} read`;
  const mode = chat.mode === 'unknown' ? 'mode unknown' : `${chat.mode} mode`;
  out.push(style.bold(`Chat sessions: ${chat.sessions.length}`) + ` (${mode}, ${responses})`);
  if (chat.sessions.length === 0) {
    out.push('  No chat session in this file.');
    return;
  }
  for (const session of chat.sessions) {
    out.push(`  Session ${session.sessionId ?? '(not named by any source)'}`);
    for (const segment of session.segments) {
      out.push(`    Segment ${segment.n}, opened by ${OPENED_BY[segment.openedBy]}`);
      for (const row of segment.rows) out.push(`      ${rowText(row, chat.busTapped, style)}`);
    }
  }
}

function rowText(row: ReportRow, busTapped: boolean, style: Style): string {
  const marks = [row.history ? 'history' : '', row.synthetic ? 'synthetic' : '', row.sources.join('+')].filter(Boolean).join(', ');
  const head = `${utcClock(row.time)}  `;
  if (row.kind === 'message') {
    const text = `${row.from} message`.padEnd(24);
    const flag = row.flagged ? style.bad('⚑ opened a new segment after the agent finished') : '';
    return `${head}${text}${style.dim(`[${marks}]`)} ${flag}`;
  }
  const text = `state ${row.state}${row.known ? '' : ' (unknown state)'}`.padEnd(24);
  let reaction = '';
  if (row.reaction) {
    const said = reactionText(row.reaction);
    // Without a tapped bus CX Lens sees no commands: "none" then means "cannot tell".
    const blind = !busTapped && row.reaction.kind === 'none' && !row.sources.includes('bus') ? ' (no bus tapped: commands not visible)' : '';
    const { kind, outcome } = row.reaction;
    const failed = kind === 'none' || outcome === 'rejected' || outcome === 'cancelled';
    const shown = failed ? style.bad(said) : kind === 'pending' || outcome === 'pending' ? said : style.good(said);
    reaction = ` → ${shown}${blind}`;
  }
  return `${head}${text}${style.dim(`[${marks}]`)}${reaction}`;
}

function cookieSync(report: Report, style: Style, out: string[]): void {
  const cookies = report.cookieSync;
  if (!cookies) {
    out.push(`${style.bold('Cookie sync:')} not in this file (a HAR holds the chat API's responses, not the cookie channel)`);
    return;
  }
  const state = cookies.state === 'in-sync' ? style.good(cookies.state) : cookies.state === 'no-iframe' ? cookies.state : style.bad(cookies.state);
  out.push(`${style.bold('Cookie sync:')} ${state}`);
  out.push(`  ${cookies.reason}`);
  if (cookies.iframeUrl) out.push(`  Cookie iframe: ${cookies.iframeUrl}`);
  for (const v of cookies.violations) {
    const count = v.count > 1 ? ` (${v.count} messages)` : '';
    out.push(`  ${style.severity(v.severity, SEVERITY_LABEL[v.severity])} ${v.rule}: ${v.message}${count}`);
  }
}

function findings(report: Report, style: Style, out: string[]): void {
  const { counts } = report;
  const total = report.findings.length;
  // Rules that failed: their findings are unknown, and "none" would be a false all-clear.
  const failed = report.rulesFailed ?? [];
  const unknown = failed.length ? ` ${style.bad(`(incomplete: ${plural(failed.length, 'rule')} failed, see below)`)}` : '';
  if (total === 0) {
    out.push(`${style.bold('Findings:')} ${failed.length ? 'unknown: none from the rules that ran' : 'none'}${unknown}`);
  } else {
    const tally = (['error', 'warning', 'info'] as const).map((s) => plural(counts[s], s, s === 'info' ? 'info' : undefined)).join(', ');
    out.push(`${style.bold('Findings:')} ${tally}${unknown}`);
  }
  if (failed.length) {
    out.push(`  ${style.bad('Rules that failed')} (a bug in CX Lens; what they check is unknown):`);
    for (const f of failed) out.push(`    ${style.bold(f.rule)}: ${f.error}`);
  }
  if (total === 0) return;
  // Several findings often share one fix (the finalize handler): its code is printed once.
  const snippets = new Map<string, string>();
  for (const finding of report.findings) {
    out.push('');
    findingText(finding, style, out, snippets);
  }
}

function findingText(finding: Finding, style: Style, out: string[], snippets: Map<string, string>): void {
  const pad = ' '.repeat(4);
  const label = SEVERITY_LABEL[finding.severity] ?? String(finding.severity).toUpperCase();
  out.push(`  ${style.severity(finding.severity, label.padEnd(7))} ${style.bold(finding.rule)}  ${finding.title}`);
  out.push(`${pad}${finding.why}`);
  for (const e of finding.evidence) {
    const when = e.time === undefined ? '' : `${utcClock(e.time)} `;
    out.push(`${pad}Evidence (${e.tab} tab): ${when}${e.label}`);
  }
  out.push(`${pad}Fix: ${finding.fix.text}`);
  const { snippet } = finding.fix;
  if (snippet && snippets.has(snippet)) out.push(style.dim(`${pad}    (the code shown for ${snippets.get(snippet)} above)`));
  else if (snippet) {
    snippets.set(snippet, finding.rule);
    for (const line of snippet.split('\n')) out.push(`${pad}    ${line}`);
  }
  if (finding.fix.action) out.push(`${pad}In the panel: ${finding.fix.action.label}`);
  const seen = finding.firstSeen === finding.lastSeen ? `Seen ${utcClock(finding.firstSeen)}` : `Seen ${utcClock(finding.firstSeen)} to ${utcClock(finding.lastSeen)}`;
  out.push(style.dim(`${pad}${seen}${finding.sessionId ? `, session ${finding.sessionId}` : ''}`));
}

/** The largest time a Date holds (ms from the epoch either way); a file may say anything. */
const MAX_DATE_MS = 8.64e15;

/** 2026-11-28 04:39:48 UTC */
export function utcDateTime(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return 'unknown time';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** 04:39:48.325 (UTC) */
export function utcClock(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return '--:--:--.---';
  return new Date(ms).toISOString().slice(11, 23);
}

/** Every string of the report with its unsafe characters (controls, bidirectional marks and
 *  overrides: src/analysis/text/visible.ts) made visible (`\x1b` shows as `\u001b`): in a
 *  terminal they move the cursor, recolour or reorder what follows, so a file could forge or hide
 *  lines. Line breaks and tabs are kept only in code snippets, which the text indents line by line. */
export function terminalSafe(value: unknown, key = '', depth = 0): unknown {
  if (typeof value === 'string') return visibleControls(value, key === 'snippet' ? '\n\t' : '');
  if (value === null || typeof value !== 'object') return value;
  if (depth > 32) return '…';
  if (Array.isArray(value)) return value.map((item) => terminalSafe(item, key, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = terminalSafe(v, k, depth + 1);
  return out;
}

/**
 * The report as `--json` writes it. JSON.stringify would escape the C0 controls only, and as
 * escapes that parse back into the raw characters; a consumer printing a parsed string would get
 * the ESC, the OSC 8 hyperlink or the U+202E of the file. So the rule is the text output's: every
 * string's controls and bidirectional characters are replaced by their visible `\uXXXX` text
 * before serialisation (in the JSON: `\\u202e`), so that neither the JSON nor its parsed values
 * hold them; a snippet keeps its line breaks and tabs (code, as in the text output).
 */
export function reportJson(report: unknown): string {
  return `${JSON.stringify(terminalSafe(report), null, 2)}\n`;
}

/** A message for stderr (or the JSON's error) that may quote the file or the command line (V8's
 *  JSON.parse error text quotes the file): secrets masked, unsafe characters made visible, on one
 *  line unless `lines` (a stack trace). */
export function messageSafe(message: string, lines = false): string {
  return visibleControls(maskString(String(message)), lines ? '\n' : '');
}
