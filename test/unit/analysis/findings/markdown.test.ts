import { describe, expect, it } from 'vitest';
import { codeBlock, findingsMarkdown, inlineText, lineText } from '../../../../src/analysis/findings/markdown';
import type { Finding } from '../../../../src/analysis/findings/types';
import { MASK } from '../../../../src/analysis/text/secrets';

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

describe('findingsMarkdown', () => {
  it('lists every finding, most severe first, with rule id, why, evidence, fix, snippet and action', () => {
    const text = findingsMarkdown([
      finding({ rule: 'unknown-command', severity: 'warning', key: 'u1', title: 'WebChat.opne never settles', evidence: [{ tab: 'bus', key: '12', label: 'command WebChat.opne' }], fix: { text: 'Did you mean WebChat.open?' }, sessionId: null, firstSeen: 9000, lastSeen: 9000 }),
      finding(),
    ], { source: 'http://localhost:8780/chat.html', generatedAt: Date.UTC(2026, 0, 2, 3, 4, 5), clock, lensVersion: '0.1.0' });

    expect(text.startsWith('# CX Lens findings\n')).toBe(true);
    expect(text).toContain('- Page: `http://localhost:8780/chat.html`');
    expect(text).toContain('- Made: 2026-01-02T03:04:05.000Z by CX Lens 0.1.0');
    expect(text).toContain('- 1 error, 1 warning, 0 info');
    const error = text.indexOf('## 1. ⛔ Error: Finalizing with no reaction (`no-finalize-reaction`)');
    const warning = text.indexOf('## 2. ⚠️ Warning: WebChat.opne never settles (`unknown-command`)');
    expect(error).toBeGreaterThan(0);
    expect(warning).toBeGreaterThan(error);
    expect(text).toContain('First seen t2000, last seen t5000; chat session `s1`.');
    expect(text).toContain('Seen t9000.');
    expect(text).toContain('- States tab (t2000): Finalizing (segment 1)');
    expect(text).toContain('- Bus tab: command WebChat.opne');
    expect(text).toContain('```js\nwindow._genesys.widgets.onReady'); // code is not escaped
    expect(text).toContain("  CXBus.command('WebChat.injectMessage', {});\n};\n```");
    expect(text).toContain('To try it on the page: CX Lens → Switch on the finalize handler.');
  });

  it('masks secrets everywhere: title, why, evidence, fix text and snippet', () => {
    const text = findingsMarkdown([finding({
      title: `token ${JWT}`, why: `why ${JWT}`, evidence: [{ tab: 'bus', key: '1', label: `label ${JWT}` }],
      fix: { text: `fix ${JWT}`, snippet: `var t = '${JWT}';` },
    })], { generatedAt: 0, clock });
    expect(text).not.toContain('eyJ');
    expect(text.split(MASK).length - 1).toBe(5);
  });

  it('keeps page text from adding headings, links, line breaks or closing the code block', () => {
    const text = findingsMarkdown([finding({
      title: 'x\n# Injected heading\n[click](http://evil.test)',
      evidence: [{ tab: 'bus', key: '1', label: '<img src=x onerror=alert(1)>' }],
      fix: { text: '1. not a list', snippet: 'a ``` b\n```\n# out' },
    })], { generatedAt: 0, clock });
    expect(text).not.toMatch(/^# Injected/m);
    expect(text).toContain('x # Injected heading \\[click\\](http://evil.test)');
    expect(text).toContain('\\<img src=x onerror=alert(1)\\>');
    expect(text).toContain('\n1\\. not a list\n');
    expect(text).toContain('````\na ``` b\n```\n# out\n````');
  });

  it('says so when there are no findings', () => {
    const text = findingsMarkdown([], { generatedAt: 0, clock });
    expect(text).toContain('- 0 errors, 0 warnings, 0 info');
    expect(text).toContain('No findings');
  });

  it('one section per key: a finding given twice is written once', () => {
    const text = findingsMarkdown([finding(), finding({ lastSeen: 7000 })], { generatedAt: 0, clock });
    expect(text.match(/^## /gm)).toHaveLength(1);
    expect(text).toContain('last seen t7000');
  });
});

describe('inlineText and codeBlock', () => {
  it('escapes Markdown and folds lines', () => {
    expect(inlineText('a*b*_c_ `d`\n e')).toBe('a\\*b\\*\\_c\\_ \\`d\\` e');
    expect(lineText('- item')).toBe('\\- item');
    expect(lineText('12. x')).toBe('12\\. x');
    expect(inlineText('- 0.1.0')).toBe('- 0.1.0');
    expect(inlineText('WebChat.open (Finalizing)')).toBe('WebChat.open (Finalizing)');
  });
  it('fences longer than any backtick run inside', () => {
    expect(codeBlock('plain')).toBe('```\nplain\n```');
    expect(codeBlock('a ```` b', 'js')).toBe('`````js\na ```` b\n`````');
  });
});
