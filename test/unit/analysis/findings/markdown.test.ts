// The findings as Markdown, read back by a GFM parser (as GitHub and most ticket systems read it):
// the structure is CX Lens's own, and no string of the page becomes a link, an image, HTML, a
// heading or a mention.
import { describe, expect, it } from 'vitest';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { Nodes, Root } from 'mdast';
import { findingsMarkdown } from '../../../../src/analysis/findings/markdown';
import type { Finding } from '../../../../src/analysis/findings/types';
import { MASK } from '../../../../src/analysis/text/secrets';
import { T0, cmd, out, plugin, tab } from './helpers';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uSWQiOiJhYmMifQ.c2lnbmF0dXJl';
const clock = (ms: number) => `t${ms}`;

function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'no-finalize-reaction',
    severity: 'error',
    key: 'no-finalize-reaction:s1:3',
    title: 'Finalizing with no reaction',
    why: 'The customer can keep writing; a “thank you” opens a segment an agent must handle.',
    evidence: [{ tab: 'states', key: 'm-3', label: 'Finalizing (segment 1)', time: 2000 }],
    fix: {
      text: 'Subscribe to WebChatService.messageReceived and notify the customer.',
      snippet: "window._genesys.widgets.onReady = function (CXBus) {\n  CXBus.command('WebChat.injectMessage', {});\n};",
      action: { id: 'finalize-on', label: 'Switch on the finalize handler' },
    },
    firstSeen: 2000,
    lastSeen: 5000,
    sessionId: 's1',
    ...over,
  };
}

const parse = (md: string): Root => fromMarkdown(md, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });

function nodes(tree: Nodes): Nodes[] {
  const all: Nodes[] = [tree];
  if ('children' in tree) for (const child of tree.children) all.push(...nodes(child));
  return all;
}

/** The page's strings of a hostile page, each a way to make more than text out of Markdown. */
const HOSTILE = [
  'http://evil.test/steal?x=1', 'www.evil.test', 'victim@evil.test', '@everyone', '@org/team', '#1', 'GH-2', 'owner/repo#3',
  '![x](http://evil.test/p.png)', '<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '[a](javascript:alert(1))',
  '[ref]: http://evil.test', '`tick` ``two`` ```', 'a|b|c', 'x\n# Injected heading\n- item\n> quote', '*em* _em_ ~~s~~ **b**',
  '&lt;b&gt; &amp; &#x3C;', '\\`escaped\\`', '$x^2$', '<http://evil.test>', 'https://evil.test/\u202eexe.txt',
];
const HOSTILE_TEXT = HOSTILE.join(' ');

/** Findings the rules make out of hostile names, sources and reasons. */
function hostileFindings(): Finding[] {
  const t = tab();
  t.feed(
    plugin(0, 'RT'), plugin(0, 'RT', 'registerCommand', [`RT.${HOSTILE[0]}`]), cmd(50, 9, `RT.${HOSTILE[0]}z`),
    ...HOSTILE.flatMap((h, i) => [cmd(100 + i * 10, i + 1, `X.${h}`, `Src ${h}`), out(105 + i * 10, i + 1, 'rejected', `reason ${h} ${HOSTILE_TEXT}`)]),
    cmd(900, 99, HOSTILE_TEXT, 'CXBus'), out(905, 99, 'cancelled', 'cancelled'),
  );
  const found = t.findings(T0 + 10_000);
  expect(found.map((f) => f.rule)).toEqual(expect.arrayContaining(['unknown-command', 'command-rejected', 'command-cancelled']));
  return [...found, finding({ title: HOSTILE_TEXT, why: HOSTILE_TEXT, evidence: [{ tab: 'bus', key: '1', label: HOSTILE_TEXT }], quotes: [HOSTILE_TEXT], sessionId: HOSTILE_TEXT })];
}

describe('findingsMarkdown, read by a GFM parser', () => {
  it('hostile page strings make no link, image, HTML, definition, heading or list of their own', () => {
    const findings = hostileFindings();
    const md = findingsMarkdown(findings, { source: `http://evil.test/?q=${HOSTILE[2]}`, generatedAt: 0, clock });
    const tree = parse(md);
    const all = nodes(tree);
    const kinds = new Set(all.map((n) => n.type));
    for (const kind of ['link', 'image', 'html', 'linkReference', 'imageReference', 'definition', 'footnoteReference', 'blockquote', 'emphasis', 'delete', 'inlineMath', 'math']) {
      expect(kinds.has(kind as Nodes['type']), `${kind} in\n${md}`).toBe(false);
    }
    // The structure is CX Lens's: one title, one heading per finding, one table row per evidence row.
    expect(all.filter((n) => n.type === 'heading').map((n) => (n as { depth: number }).depth)).toEqual([1, ...findings.map(() => 2)]);
    const strong = all.filter((n) => n.type === 'strong').length;
    expect(strong).toBe(findings.length + findings.filter((f) => f.evidence.length).length); // **Evidence**, **Fix**
    expect(all.filter((n) => n.type === 'tableRow')).toHaveLength(findings.reduce((n, f) => n + (f.evidence.length ? f.evidence.length + 1 : 0), 0));
    expect(all.filter((n) => n.type === 'list')).toHaveLength(1);
    // No mention, reference, URL or markup is left in plain text: only in code spans.
    for (const node of all) {
      if (node.type !== 'text') continue;
      expect(node.value, md).not.toMatch(/@\w|#\d|:\/\/|www\.|[<>`|[\]!*_~$&]|\u202e/);
    }
    // Each hostile string is there, whole, in a code span.
    const code = all.filter((n) => n.type === 'inlineCode').map((n) => (n as { value: string }).value);
    for (const h of HOSTILE.filter((s) => !/[\n\u202e]/.test(s))) expect(code.some((c) => c.includes(h)), h).toBe(true);
    expect(code.some((c) => c.includes('https://evil.test/\\u202eexe.txt'))).toBe(true); // a bidi override shown, not obeyed
    expect(md).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('a page string in a code span is not closed early by its backticks, nor split by a pipe in a table', () => {
    const label = 'a ``` b ` c | d';
    const md = findingsMarkdown([finding({ evidence: [{ tab: 'bus', key: '1', label }], quotes: [label] })], { generatedAt: 0, clock });
    const cells = nodes(parse(md)).filter((n) => n.type === 'tableCell');
    expect(cells).toHaveLength(6);
    const row = nodes(cells[5]!).filter((n) => n.type === 'inlineCode').map((n) => (n as { value: string }).value);
    expect(row).toEqual([label]);
  });

  it('a snippet is one code block that it cannot close, with the snippet as it is', () => {
    const snippet = 'a ``` b\n```\n# out\n~~~';
    const md = findingsMarkdown([finding({ fix: { text: 'Fix it.', snippet } })], { generatedAt: 0, clock });
    const blocks = nodes(parse(md)).filter((n) => n.type === 'code');
    expect(blocks).toHaveLength(1);
    expect((blocks[0] as { value: string }).value).toBe(snippet);
  });

  it('lists every finding, most severe first, with rule id, why, evidence, fix, snippet and action', () => {
    const text = findingsMarkdown([
      finding({ rule: 'unknown-command', severity: 'warning', key: 'u1', title: 'WebChat.opne never settles', evidence: [{ tab: 'bus', key: '12', label: 'command WebChat.opne' }], fix: { text: 'Did you mean WebChat.open?' }, sessionId: null, firstSeen: 9000, lastSeen: 9000, quotes: ['WebChat.opne'] }),
      finding(),
    ], { source: 'http://localhost:8780/chat.html', generatedAt: Date.UTC(2026, 0, 2, 3, 4, 5), clock, lensVersion: '0.1.0' });

    expect(text.startsWith('# CX Lens findings\n')).toBe(true);
    expect(text).toContain('- Page: `http://localhost:8780/chat.html`');
    expect(text).toContain('- Made: 2026-01-02T03:04:05.000Z by CX Lens `0.1.0`');
    expect(text).toContain('- 1 error, 1 warning, 0 info');
    const error = text.indexOf('## 1. ⛔ Error: Finalizing with no reaction (`no-finalize-reaction`)');
    const warning = text.indexOf('## 2. ⚠️ Warning: `WebChat.opne` never settles (`unknown-command`)');
    expect(error).toBeGreaterThan(0);
    expect(warning).toBeGreaterThan(error);
    expect(text).toContain('First seen t2000, last seen t5000; chat session `s1`.');
    expect(text).toContain('Seen t9000.');
    expect(text).toContain('| States | t2000 | Finalizing (segment 1) |');
    expect(text).toContain('| Bus | | command `WebChat.opne` |');
    expect(text).toContain('```js\nwindow._genesys.widgets.onReady'); // code is not escaped
    expect(text).toContain("  CXBus.command('WebChat.injectMessage', {});\n};\n```");
    expect(text).toContain('To try it on the page: CX Lens → Switch on the finalize handler.');
  });

  it('masks secrets everywhere: title, why, evidence, fix text, snippet, and the page\'s URL in the header', () => {
    const text = findingsMarkdown([finding({
      title: `token ${JWT}`, why: `why ${JWT}`, evidence: [{ tab: 'bus', key: '1', label: `label {"apiKey":"k-1","password":"hunter2"} Authorization: Basic dXNlcjpwYXNz` }],
      fix: { text: `fix ${JWT}`, snippet: `var t = '${JWT}';` }, quotes: [`token ${JWT}`],
    })], { source: 'https://shop.example/chat?access_token=tok-123&apikey=k-456&lang=en', generatedAt: 0, clock });
    for (const secret of ['eyJ', 'tok-123', 'k-456', 'k-1', 'hunter2', 'dXNlcjpwYXNz']) expect(text).not.toContain(secret);
    expect(text).toContain(`- Page: \`https://shop.example/chat?access_token=${MASK}&apikey=${MASK}&lang=en\``);
    expect(text).toContain(`label \`{"apiKey":"${MASK}","password":"${MASK}"}\` Authorization: Basic ${MASK}`);
  });

  it('says so when there are no findings', () => {
    const text = findingsMarkdown([], { generatedAt: 0, clock });
    expect(text).toContain('- 0 errors, 0 warnings, 0 info');
    expect(text).toContain('No findings');
  });

  it('a rule that failed makes the text incomplete, never "nothing was wrong"; its error is masked code', () => {
    const text = findingsMarkdown([], { generatedAt: 0, clock, failed: [{ rule: 'statesRules', error: 'RangeError: {"apiKey":"k-123"} http://evil.example' }] });
    expect(text).toContain('Incomplete: 1 rule failed');
    expect(text).not.toContain('nothing CX Lens checks for was wrong');
    expect(text).not.toContain('k-123');
    const tree = fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
    const kinds: string[] = [];
    const walk = (n: Nodes): void => {
      kinds.push(n.type);
      if ('children' in n) for (const c of n.children) walk(c as Nodes);
    };
    walk(tree);
    expect(kinds).not.toContain('link');
    expect(text).toContain('`statesRules`');
  });

  it('one section per key: a finding given twice is written once', () => {
    const text = findingsMarkdown([finding(), finding({ lastSeen: 7000 })], { generatedAt: 0, clock });
    expect(text.match(/^## /gm)).toHaveLength(1);
    expect(text).toContain('last seen t7000');
  });
});
