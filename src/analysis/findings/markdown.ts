// The findings as one Markdown text for a support ticket: every finding with its evidence and fix.
// Pure. Page data is untrusted: secrets are masked, and text that came from the page cannot add
// headings, links or code blocks of its own (Markdown is escaped, fences are longer than any
// backtick run in the snippet).
import { maskString } from '../text/secrets';
import { formatClock } from '../text/summary';
import type { Finding } from './types';
import { SEVERITY_ICON, SEVERITY_LABEL, TAB_LABEL, countBySeverity, orderFindings } from './view-model';

export interface MarkdownContext {
  /** The inspected page (or the file shown). */
  source?: string;
  /** ms epoch: when the text was made. */
  generatedAt: number;
  lensVersion?: string;
  /** Time of day formatter (tests pass a fixed one). */
  clock?: (ms: number) => string;
}

/** Prose within a line: no line breaks, Markdown's special characters escaped, secrets masked. */
export function inlineText(s: string): string {
  return maskString(String(s))
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

/** Prose that starts a line: also no heading, list item or rule of its own. */
export function lineText(s: string): string {
  return inlineText(s)
    .replace(/^(\s*)(?:([-=+#])|(\d+)\.)/, (_m, space: string, mark?: string, digits?: string) => (mark ? `${space}\\${mark}` : `${space}${digits}\\.`));
}

/** A fenced code block that the snippet cannot close early. */
export function codeBlock(code: string, lang = ''): string {
  const text = maskString(code).replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** Inline code that its content cannot end early. */
function inlineCode(s: string): string {
  const text = maskString(s).replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Whether a snippet looks like JavaScript (the guide's handlers, a config) for the fence. */
function snippetLang(snippet: string): string {
  return /\b(function|window\.|CXBus|_genesys|=>|const |var |let )/.test(snippet) ? 'js' : '';
}

export function findingsMarkdown(findings: readonly Finding[], context: MarkdownContext): string {
  const clock = context.clock ?? formatClock;
  const list = orderFindings(findings);
  const counts = countBySeverity(list);
  const out: string[] = ['# CX Lens findings', ''];
  const about: string[] = [];
  if (context.source) about.push(`- Page: ${inlineCode(context.source)}`);
  about.push(`- Made: ${new Date(context.generatedAt).toISOString()}${context.lensVersion ? ` by CX Lens ${inlineText(context.lensVersion)}` : ''}`);
  about.push(`- ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info`);
  out.push(...about, '');
  if (list.length === 0) {
    out.push('No findings: nothing CX Lens checks for was wrong.', '');
    return out.join('\n');
  }
  list.forEach((f, i) => {
    out.push(`## ${i + 1}. ${SEVERITY_ICON[f.severity] ?? ''} ${SEVERITY_LABEL[f.severity] ?? inlineText(f.severity)}: ${inlineText(f.title)} (${inlineCode(f.rule)})`, '');
    out.push(lineText(f.why), '');
    const seen = f.firstSeen === f.lastSeen ? `Seen ${clock(f.firstSeen)}` : `First seen ${clock(f.firstSeen)}, last seen ${clock(f.lastSeen)}`;
    out.push(`${seen}${f.sessionId ? `; chat session ${inlineCode(f.sessionId)}` : ''}.`, '');
    if (f.evidence.length) {
      out.push('**Evidence**', '');
      for (const e of f.evidence) {
        const when = e.time !== undefined ? ` (${clock(e.time)})` : '';
        out.push(`- ${TAB_LABEL[e.tab] ?? inlineText(e.tab)} tab${when}: ${inlineText(e.label)}`);
      }
      out.push('');
    }
    out.push('**Fix**', '', lineText(f.fix.text), '');
    if (f.fix.snippet) out.push(codeBlock(f.fix.snippet, snippetLang(f.fix.snippet)), '');
    if (f.fix.action) out.push(`To try it on the page: CX Lens → ${inlineText(f.fix.action.label)}.`, '');
  });
  return out.join('\n');
}
