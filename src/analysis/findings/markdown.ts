// The findings as one Markdown text for a support ticket: every finding with its evidence and fix.
// Pure. The text is built as a Markdown syntax tree (mdast) and written by mdast-util-to-markdown
// with its GFM extension, which escapes what a text node holds so that it stays text: no
// hand-written escaping. Page data is untrusted:
// - the page's and the file's strings (the finding's `quotes`, the page's URL, a chat session)
//   sit in code spans, so that none becomes a link, an autolink, a mention (`@name`), an issue
//   reference (`#1`), an image or HTML; a code span's fence is longer than any backtick run in it;
// - in CX Lens's own prose, a word that holds such a character is set as code all the same (a
//   page string a rule did not list as a quote);
// - secrets are masked (maskString), and control and bidirectional characters are shown as
//   `\uXXXX` escapes; line breaks fold into spaces, except in a snippet's code block.
import { toMarkdown } from 'mdast-util-to-markdown';
import { gfmToMarkdown } from 'mdast-util-gfm';
import type { BlockContent, Heading, ListItem, Paragraph, PhrasingContent, Root, RootContent, Table, TableCell } from 'mdast';
import { clipText } from '../text/bounded';
import { MASK, maskString } from '../text/secrets';
import { formatClock } from '../text/summary';
import { visibleControls } from '../text/visible';
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
  /** Rules that failed, or why no finding could be computed: the list is then incomplete, and
   *  the text never says that nothing is wrong. */
  failed?: readonly { rule: string; error: string }[];
  unknown?: string;
}

export function findingsMarkdown(findings: readonly Finding[], context: MarkdownContext): string {
  const clock = context.clock ?? formatClock;
  const list = orderFindings(findings);
  const counts = countBySeverity(list);
  const about: PhrasingContent[][] = [];
  if (context.source) about.push([text('Page: '), pageCode(context.source)]);
  about.push([text(`Made: ${new Date(context.generatedAt).toISOString()}`), ...(context.lensVersion ? [text(' by CX Lens '), pageCode(context.lensVersion)] : [])]);
  about.push([text(`${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info`)]);

  const failed = context.failed ?? [];
  const incomplete = failed.length > 0 || Boolean(context.unknown);
  if (incomplete) {
    const what = failed.length ? `${failed.length} ${failed.length === 1 ? 'rule' : 'rules'} failed` : 'the findings could not be computed';
    about.push([text(`Incomplete: ${what}; what ${failed.length === 1 ? 'it checks' : 'they check'} is unknown`)]);
  }
  const children: RootContent[] = [heading(1, [text('CX Lens findings')]), bulletList(about)];
  if (incomplete) {
    const items: PhrasingContent[][] = failed.map((f) => [pageCode(f.rule), text(': '), pageCode(maskString(f.error))]);
    if (context.unknown) items.push([pageCode(maskString(context.unknown))]);
    children.push(heading(2, [text('Unknown: rules that failed')]), bulletList(items));
  }
  if (list.length === 0) children.push(paragraph([text(incomplete ? 'No findings from the rules that ran.' : 'No findings: nothing CX Lens checks for was wrong.')]));
  list.forEach((f, i) => {
    for (const block of findingBlocks(f, i + 1, clock)) children.push(block);
  });
  const root: Root = { type: 'root', children };
  return toMarkdown(root, {
    extensions: [gfmToMarkdown({ tablePipeAlign: false })],
    bullet: '-',
    listItemIndent: 'one',
    fences: true,
    rule: '-',
  });
}

function findingBlocks(f: Finding, n: number, clock: (ms: number) => string): RootContent[] {
  const quotes = f.quotes ?? [];
  const out: RootContent[] = [];
  out.push(heading(2, [
    text(`${n}. ${SEVERITY_ICON[f.severity] ?? ''} ${SEVERITY_LABEL[f.severity] ?? ''}: `),
    ...(SEVERITY_LABEL[f.severity] ? [] : [pageCode(String(f.severity)), text(': ')]),
    ...prose(f.title, quotes),
    text(' ('), pageCode(String(f.rule)), text(')'),
  ]));
  out.push(paragraph(prose(f.why, quotes)));
  const seen = f.firstSeen === f.lastSeen ? `Seen ${clock(f.firstSeen)}` : `First seen ${clock(f.firstSeen)}, last seen ${clock(f.lastSeen)}`;
  out.push(paragraph(f.sessionId ? [text(`${seen}; chat session `), pageCode(f.sessionId), text('.')] : [text(`${seen}.`)]));
  if (f.evidence.length) {
    out.push(paragraph([{ type: 'strong', children: [text('Evidence')] }]));
    const head = ['Tab', 'Time', 'What the row shows'].map((h) => [text(h)]);
    const rows = f.evidence.map((e) => [
      TAB_LABEL[e.tab] ? [text(TAB_LABEL[e.tab])] : [pageCode(String(e.tab))],
      e.time !== undefined ? [text(clock(e.time))] : [],
      prose(e.label, quotes),
    ]);
    out.push(table([head, ...rows]));
  }
  out.push(paragraph([{ type: 'strong', children: [text('Fix')] }]));
  out.push(paragraph(prose(f.fix.text, quotes)));
  if (f.fix.snippet) {
    const code = visibleControls(maskString(f.fix.snippet).replace(/\r\n?/g, '\n').replace(/\n+$/, ''), '\n\t');
    out.push({ type: 'code', lang: snippetLang(code) || null, value: code });
  }
  if (f.fix.action) out.push(paragraph([text('To try it on the page: CX Lens → '), ...prose(f.fix.action.label, quotes), text('.')]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text: CX Lens's prose as text nodes, the page's strings as code spans.

/** One line: runs of white space (line breaks too) as one space; controls and bidi made visible. */
function oneLine(s: string): string {
  return visibleControls(String(s).replace(/\s+/g, ' '));
}

function text(value: string): PhrasingContent {
  return { type: 'text', value: oneLine(value) };
}

/** A page's or a file's string: masked, on one line, as inline code. */
function pageCode(s: string): PhrasingContent {
  const value = oneLine(maskString(String(s)));
  // An empty code span cannot be written: say what is there.
  return value.trim() === '' ? { type: 'text', value: value === '' ? '(empty)' : '(blank)' } : { type: 'inlineCode', value };
}

/** A word of prose that Markdown or GitHub could read as more than text: a link or autolink
 *  (`://`, `www.`, an e-mail's `@`), a mention, an issue reference, markup, code or emphasis. */
const RISKY_WORD = /[@#<>[\]`\\*_~|!$&{}]|:\/\/|^\W*www\./i;

/**
 * A text of the finding (title, why, an evidence row, the fix) as phrasing: the quoted page
 * strings in it as code spans, the prose between them as text (its risky words as code too).
 * The whole text is masked first, then cut at the (masked) quotes.
 */
function prose(raw: string, quotes: readonly string[]): PhrasingContent[] {
  const flat = clipText(maskString(String(raw).replace(/\s+/g, ' ')), PROSE_MAX);
  const parts = splitQuotes(flat, quotes.map((q) => maskString(String(q).replace(/\s+/g, ' '))).filter((q) => q.trim() !== ''));
  const out: PhrasingContent[] = [];
  for (const part of parts) {
    if (part.quoted) out.push(pageCode(part.text));
    else for (const word of proseWords(part.text)) out.push(word);
  }
  return mergeText(out);
}

/** Characters of one text in the Markdown (a page can make a command's name megabytes long). */
const PROSE_MAX = 2000;

/** Words and the spaces between them; a mask (which has a space) stays within its word. */
const WORDS = new RegExp(`(?:${MASK.replace(/[()]/g, '\\$&')}|[^ ])+| +`, 'g');

/** Prose as text, each risky word as code. */
function proseWords(s: string): PhrasingContent[] {
  return (s.match(WORDS) ?? []).map((w) => (w.trim() !== '' && RISKY_WORD.test(w) ? { type: 'inlineCode', value: oneLine(w) } : text(w)));
}

function mergeText(nodes: PhrasingContent[]): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const node of nodes) {
    const last = out[out.length - 1];
    if (node.type === 'text' && last?.type === 'text') last.value += node.value;
    else out.push(node);
  }
  return out;
}

interface Part {
  text: string;
  quoted: boolean;
}

/** Whether a character is part of a word (a quote must not start or end inside one). */
const WORDISH = /[\p{L}\p{N}_]/u;
const joinsWord = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && WORDISH.test(a) && WORDISH.test(b);

/**
 * The text cut at the quoted strings it holds: at each place, the longest quote that starts
 * there and does not cut a word in two. A text cut short (`…` at its end, as evidence labels
 * are) may end with the start of a quote: that start is quoted too.
 */
function splitQuotes(s: string, quotes: readonly string[]): Part[] {
  const sorted = [...new Set(quotes)].sort((a, b) => b.length - a.length);
  const parts: Part[] = [];
  let plain = '';
  const clipped = s.endsWith('…');
  for (let i = 0; i < s.length;) {
    const hit = sorted.find((q) => s.startsWith(q, i) && !joinsWord(s[i - 1], q[0]) && !joinsWord(q[q.length - 1], s[i + q.length]))
      ?? (clipped && i < s.length - 1 ? sorted.find((q) => q[0] === s[i] && !joinsWord(s[i - 1], q[0]) && q.startsWith(s.slice(i, -1))) && s.slice(i, -1) : undefined);
    if (hit) {
      if (plain) parts.push({ text: plain, quoted: false });
      plain = '';
      parts.push({ text: hit, quoted: true });
      i += hit.length;
    } else {
      plain += s[i];
      i++;
    }
  }
  if (plain) parts.push({ text: plain, quoted: false });
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Blocks.

function heading(depth: 1 | 2, children: PhrasingContent[]): Heading {
  return { type: 'heading', depth, children };
}

function paragraph(children: PhrasingContent[]): Paragraph {
  return { type: 'paragraph', children };
}

function bulletList(items: PhrasingContent[][]): BlockContent {
  return {
    type: 'list', ordered: false, spread: false,
    children: items.map((children): ListItem => ({ type: 'listItem', spread: false, children: [paragraph(children)] })),
  };
}

function table(rows: PhrasingContent[][][]): Table {
  return {
    type: 'table', align: rows[0]!.map(() => null),
    children: rows.map((cells) => ({ type: 'tableRow', children: cells.map((children): TableCell => ({ type: 'tableCell', children })) })),
  };
}

/** Whether a snippet looks like JavaScript (the guide's handlers, a config) for the fence. */
function snippetLang(snippet: string): string {
  return /\b(function|window\.|CXBus|_genesys|=>|const |var |let )/.test(snippet) ? 'js' : '';
}
