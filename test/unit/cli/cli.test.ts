// The `cx-lens report` command line, run whole through its core: a recording, a HAR, the real
// Widgets 9.0 files, broken files, the JSON shape, exit codes, masking and colours.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { EXIT, HELP } from '../../../src/cli/cli';
import { REPORT_VERSION, type Report } from '../../../src/cli/report';
import { loadFile } from '../../../src/analysis/files/load';
import { parseFile } from '../../../src/analysis/files/parse';
import { computeFindings, RULES } from '../../../src/analysis/findings/engine';
import type { Finding } from '../../../src/analysis/findings/types';
import { LARGE, largePollBody, pollResponseBody, stateMessage } from '../fakes/chat-api';
import { fixture, real, run } from './helpers';

const RECORDING = fixture('no-handler.cx-lens.json');
const HAR = fixture('no-handler.har');
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXN0b21lciJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'no-finalize-reaction',
    severity: 'error',
    key: 'no-finalize-reaction s1 m3',
    title: 'Nothing reacted to Finalizing',
    why: 'The customer can still write, and a reply opens a segment an agent must handle.',
    evidence: [{ tab: 'states', key: 'm3', label: 'Finalizing in session s1', time: Date.parse('2026-11-28T09:15:07.620Z') }],
    fix: { text: 'Add the finalize handler.', snippet: "CXBus.subscribe('WebChatService.messageReceived', (e) => {\n  // react\n});", action: { id: 'finalize-on', label: 'Switch on the finalize handler' } },
    firstSeen: Date.parse('2026-11-28T09:15:07.620Z'),
    lastSeen: Date.parse('2026-11-28T09:15:10.620Z'),
    sessionId: 's1',
    ...overrides,
  };
}

const json = (out: string): Report => JSON.parse(out) as Report;

/** A HAR of one chat response carrying these messages. */
function har(messages: unknown[], page = 'https://shop.example.com/help'): string {
  const url = 'https://api.example.com/nexus/v3/chat/sessions/s1/messages?index=0';
  const entry = { startedDateTime: '2026-11-28T09:15:00.000Z', time: 50, request: { method: 'GET', url }, response: { status: 200, content: { text: pollResponseBody(messages) } } };
  return JSON.stringify({ log: { version: '1.2', pages: [{ title: page }], entries: [entry] } });
}

describe('cx-lens report on a recording', () => {
  it('prints the file, the session with its states, reactions and flagged message, the cookie verdict and the findings', async () => {
    const { code, stdout, stderr } = await run(['report', RECORDING]);
    expect(stderr).toBe('');
    expect(stdout).toContain(`CX Lens report: ${RECORDING}`);
    expect(stdout).toContain('CX Lens recording, saved 2026-11-28 04:39:48 UTC, by CX Lens 0.1.0');
    expect(stdout).toContain('Page: http://127.0.0.1:33001/?async=1');
    expect(stdout).toContain('Chat sessions: 1 (async mode, 0 chat API responses read)');
    expect(stdout).toContain('Session dc936321-d383-455e-ab99-e74b8697e377');
    const lines = stdout.split('\n');
    expect(lines).toContain('      04:39:41.674  state Finalizing        [bus] → ⚠ no reaction: the page neither injected a message nor ended the chat');
    expect(lines).toContain('    Segment 2, opened by a customer message after the segment ended');
    expect(lines).toContain('      04:39:43.896  customer message        [bus] ⚑ opened a new segment after the agent finished');
    expect(lines).toContain('      04:39:45.819  state Completed         [bus] → waiting for the page to react…');
    expect(stdout).toContain('Cookie sync: no-iframe\n  No cookie iframe on this page');
    expect(stdout).toMatch(/\nFindings: /);
    expect(stdout).not.toContain('\x1b['); // not a terminal: no colours
    expect([EXIT.ok, EXIT.errorFinding]).toContain(code);
  });

  it('prints the findings the panel\'s engine computes for the same models, and exits 1 exactly when one is an error', async () => {
    const parsed = parseFile(readFileSync(RECORDING, 'utf8'), RECORDING);
    const expected = computeFindings(await loadFile(parsed), parsed.clock);
    const { code, stdout } = await run(['report', '--json', RECORDING]);
    expect(json(stdout).findings.map((f) => f.key)).toEqual(expected.map((f) => f.key));
    expect(code).toBe(expected.some((f) => f.severity === 'error') ? EXIT.errorFinding : EXIT.ok);
    const text = await run(['report', RECORDING]);
    for (const f of expected) expect(text.stdout).toContain(f.rule);
    if (expected.length === 0) expect(text.stdout).toContain('Findings: none');
  });

  it('--json: the same report for machines', async () => {
    const { code, stdout, stderr } = await run(['report', RECORDING, '--json']);
    expect(stderr).toBe('');
    expect([EXIT.ok, EXIT.errorFinding]).toContain(code);
    const report = json(stdout);
    expect(Object.keys(report)).toEqual(['tool', 'reportVersion', 'file', 'chat', 'cookieSync', 'findings', 'counts', 'rulesFailed']);
    expect(report.rulesFailed).toEqual([]);
    expect(report).toMatchObject({
      tool: 'cx-lens',
      reportVersion: REPORT_VERSION,
      file: { name: RECORDING, kind: 'recording', page: 'http://127.0.0.1:33001/?async=1', time: Date.parse('2026-11-28T04:39:48.325Z'), secretsMasked: true, lensVersion: '0.1.0' },
      chat: { mode: 'async', responses: 0, busTapped: true },
      cookieSync: { state: 'no-iframe', iframeUrl: null, violations: [] },
    });
    expect(report.chat.sessions).toHaveLength(1);
    const [session] = report.chat.sessions;
    expect(session!.sessionId).toBe('dc936321-d383-455e-ab99-e74b8697e377');
    expect(session!.segments.map((s) => s.openedBy)).toEqual(['start', 'customer-after-finalize']);
    expect(session!.segments.map((s) => s.rows.map((r) => (r.kind === 'state' ? `${r.state}:${r.reaction?.kind ?? '-'}` : `${r.from}${r.flagged ? '!' : ''}`)))).toEqual([
      ['customer', 'agent', 'Finalizing:none'],
      ['customer!', 'Active:-', 'agent', 'Completed:pending'],
    ]);
    expect(session!.segments[0]!.rows[2]).toMatchObject({ kind: 'state', time: 1795840781674, utcTime: '2026-11-28T04:39:41.359Z', sources: ['bus'], history: false, synthetic: false, known: true });
    expect(session!.flags).toEqual([{ segment: 2, afterState: 'Finalizing', message: expect.stringContaining('opened segment 2') }]);
    expect(report.counts).toEqual({
      error: report.findings.filter((f) => f.severity === 'error').length,
      warning: report.findings.filter((f) => f.severity === 'warning').length,
      info: report.findings.filter((f) => f.severity === 'info').length,
    });
  });
});

describe('cx-lens report on a HAR', () => {
  it('reads the chat API responses: the session from the network, reactions not visible, no cookie channel', async () => {
    const { stdout, stderr } = await run(['report', HAR]);
    expect(stderr).toBe('');
    expect(stdout).toContain('HAR file, last chat response 2026-11-28 09:15:10 UTC');
    expect(stdout).toContain('Page: https://shop.example.com/help');
    expect(stdout).toContain('Chat sessions: 1 (mode unknown, 4 chat API responses read)');
    expect(stdout).toContain('Session 6f1c2d9e-0b7a-4c55-9d1e-3a8f2b4c7e10');
    expect(stdout).toContain('state Finalizing        [network] → ⚠ no reaction: the page neither injected a message nor ended the chat (no bus tapped: commands not visible)');
    expect(stdout).toContain('customer message        [network] ⚑ opened a new segment after the agent finished');
    expect(stdout).toContain("Cookie sync: not in this file (a HAR holds the chat API's responses, not the cookie channel)");
  });

  it('--json: kind har, the network rows, no cookie sync', async () => {
    const report = json((await run(['report', '--json', HAR])).stdout);
    expect(report.file).toMatchObject({ kind: 'har', page: 'https://shop.example.com/help', secretsMasked: null });
    expect(report.chat).toMatchObject({ mode: 'unknown', responses: 4, busTapped: false });
    expect(report.chat.sessions[0]!.segments.flatMap((s) => s.rows.map((r) => r.sources.join('+')))).toEqual(['network', 'network', 'network', 'network']);
    expect(report.cookieSync).toBeNull();
  });
});

describe('the Cookie sync verdict', () => {
  // A cross-domain page whose origin the cookie iframe does not trust: the iframe's facts, the
  // page's hello as the iframe received it, and its refusal as the page received it.
  const PAGE = 'http://localhost:8780';
  const IFRAME = 'http://[::1]:8780';
  const IFRAME_URL = `${IFRAME}/cx-lens/iframe.html`;
  const record = (docId: string, seq: number, fields: object) => ({ docId, record: { seq, time: 1000 + seq, ...fields } });
  const untrusted = JSON.stringify({
    format: 'cx-lens-recording', version: 1, savedAt: '2026-11-28T10:00:00.000Z', page: `${PAGE}/xdomain.html`,
    frames: [
      { frame: { docId: 'top', frameId: 0, url: `${PAGE}/xdomain.html`, origin: PAGE, top: true, seenAt: 1 }, gone: false, dropped: 0 },
      { frame: { docId: 'ifr', frameId: 3, url: IFRAME_URL, origin: IFRAME, top: false, seenAt: 2 }, gone: false, dropped: 0 },
    ],
    records: [
      record('ifr', 1, { t: 'cookie-facts', role: 'iframe', url: IFRAME_URL, origin: IFRAME, cookies: [], trustedDomains: ['http://127.0.0.1:8780', 'http://localhost.evil.test:8780'] }),
      record('ifr', 2, { t: 'channel', direction: 'in', peer: 'parent', senderOrigin: PAGE, receiverOrigin: IFRAME, channel: true, type: 'cx-lens-cookie/hello', id: 'h-1', carriesSession: false, data: { type: 'cx-lens-cookie/hello', v: 1, id: 'h-1' } }),
      record('top', 1, {
        t: 'channel', direction: 'in', peer: 'child', peerUrl: IFRAME_URL, senderOrigin: IFRAME, receiverOrigin: PAGE, channel: true, type: 'cx-lens-cookie/reply', id: 'h-1', ok: false,
        errorCode: 'untrusted-origin', carriesSession: false, data: { type: 'cx-lens-cookie/reply', v: 1, id: 'h-1', ok: false, error: { code: 'untrusted-origin', message: 'no' } },
      }),
    ],
    network: [],
    injection: { settings: {} },
  });

  it('untrusted: the verdict, its reason, the iframe and the violations, in text and JSON', async () => {
    const text = (await run(['report', 'x.json'], { files: { 'x.json': untrusted } })).stdout;
    expect(text).toContain(`Cookie sync: untrusted\n  ${PAGE} is not in the iframe's TRUSTED_DOMAINS`);
    expect(text).toContain(`  Cookie iframe: ${IFRAME_URL}`);
    expect(text).toContain(`  ERROR page-not-trusted: `);
    expect(text).toContain(`  WARNING untrusted-sender: The cookie iframe received messages from ${PAGE}, which is not in its TRUSTED_DOMAINS, and refused them.`);
    const report = json((await run(['report', '--json', 'x.json'], { files: { 'x.json': untrusted } })).stdout);
    expect(report.cookieSync).toMatchObject({ state: 'untrusted', iframeUrl: IFRAME_URL });
    expect(report.cookieSync!.violations.map((v) => v.rule).sort()).toEqual(['lookalike-entry', 'page-not-trusted', 'untrusted-sender']);
    expect(report.chat.sessions).toEqual([]);
  });
});

describe('cx-lens report on the real Widgets 9.0 sessions', () => {
  it('real-async-finalize: one async session; Finalizing and Completed each answered by WebChat.injectMessage; "Thank you!" flagged', async () => {
    const { stdout } = await run(['report', real('real-async-finalize.json')]);
    expect(stdout).toContain('CX Lens Bus Export, saved 2026-11-28 04:39:48 UTC');
    expect(stdout).toContain('Chat sessions: 1 (async mode');
    expect(stdout).toMatch(/state Finalizing {8}\[bus\] → WebChat\.injectMessage after \d+ ms \(CXLensFinalize\)/);
    expect(stdout).toMatch(/state Completed {9}\[bus\] → WebChat\.injectMessage after \d+ ms \(CXLensFinalize\)/);
    expect(stdout).toContain('customer message        [bus] ⚑ opened a new segment after the agent finished');
  });

  it('real-sync-end: one sync session; Completed answered by WebChat.endChat', async () => {
    const report = json((await run(['report', '--json', real('real-sync-end.json')])).stdout);
    expect(report.file.kind).toBe('export');
    expect(report.chat.mode).toBe('sync');
    const states = report.chat.sessions.flatMap((s) => s.segments.flatMap((g) => g.rows)).filter((r) => r.kind === 'state');
    expect(states.map((r) => r.kind === 'state' && [r.state, r.reaction?.kind, r.reaction?.command])).toEqual([['Completed', 'end', 'WebChat.endChat']]);
  });
});

describe('the panel\'s rules, run by the command line', () => {
  it('a chat without a finalize handler: no-finalize-reaction and segment-after-finalize, from the recording and from the HAR', async () => {
    for (const file of [RECORDING, HAR]) {
      const report = json((await run(['report', '--json', file])).stdout);
      expect(ruleIdsOf(report)).toEqual(expect.arrayContaining(['no-finalize-reaction', 'segment-after-finalize']));
      const text = (await run(['report', file])).stdout;
      // A HAR holds no bus: the page's reaction cannot be seen, and the finding says only that.
      expect(text).toMatch(file === HAR ? /\n {2}INFO {4}no-finalize-reaction {2}The page's reaction to .* cannot be seen: no bus was tapped/ : /\n {2}WARNING no-finalize-reaction {2}Nothing reacted/);
      if (file === HAR) expect(text).not.toMatch(/Nothing reacted|no WebChat\.injectMessage or WebChat\.endChat within/);
      expect(text).toMatch(/\n {2}WARNING segment-after-finalize {2}/);
    }
  });

  it('a malformed chat API response is an error finding: exit 1', async () => {
    const { code, stdout } = await run(['report', fixture('malformed.har')]);
    expect(code).toBe(EXIT.errorFinding);
    expect(stdout).toContain('Findings: 1 error');
    expect(stdout).toMatch(/\n {2}ERROR {3}malformed-response {2}.*\n {4}data\.messages\[1\] is a helper object \{lastDeliveredIndex, chatEnded\}/);
  });

  it('records the page made are left out of the sessions and the findings, as the panel leaves them out', async () => {
    const recording = JSON.parse(readFileSync(RECORDING, 'utf8')) as { records: { record: Record<string, unknown> }[] };
    for (const { record } of recording.records) if (record.t === 'event') record.pageMade = true;
    const report = json((await run(['report', '--json', 'forged.json'], { files: { 'forged.json': JSON.stringify(recording) } })).stdout);
    expect(report.chat.sessions).toEqual([]);
    expect(ruleIdsOf(report)).not.toContain('segment-after-finalize');
  });
});

const ruleIdsOf = (report: Report): string[] => report.findings.map((f) => f.rule);

describe('findings and exit codes', () => {
  it('exit 1 when a finding is an error; the finding printed with its why, evidence, fix, snippet and panel action', async () => {
    const { code, stdout } = await run(['report', HAR], { findings: () => [finding(), finding({ rule: 'late-load', severity: 'warning', key: 'late', title: 'Loaded late', evidence: [], fix: { text: 'Wait for loadCookie().' } })] });
    expect(code).toBe(EXIT.errorFinding);
    expect(stdout).toContain('Findings: 1 error, 1 warning, 0 info');
    expect(stdout).toContain([
      '  ERROR   no-finalize-reaction  Nothing reacted to Finalizing',
      '    The customer can still write, and a reply opens a segment an agent must handle.',
      '    Evidence (states tab): 09:15:07.620 Finalizing in session s1',
      '    Fix: Add the finalize handler.',
      "        CXBus.subscribe('WebChatService.messageReceived', (e) => {",
      '          // react',
      '        });',
      '    In the panel: Switch on the finalize handler',
      '    Seen 09:15:07.620 to 09:15:10.620, session s1',
    ].join('\n'));
    expect(stdout).toContain('  WARNING late-load  Loaded late');
  });

  it('a fix\'s code shared by several findings is printed once', async () => {
    const { stdout } = await run(['report', HAR], { findings: () => [finding(), finding({ rule: 'segment-after-finalize', key: 'other' })] });
    expect(stdout.split("CXBus.subscribe('WebChatService.messageReceived'")).toHaveLength(2);
    expect(stdout).toContain('        (the code shown for no-finalize-reaction above)');
  });

  it('exit 0 when the findings are warnings or info only, or none', async () => {
    expect((await run(['report', HAR], { findings: () => [finding({ severity: 'warning' }), finding({ severity: 'info', key: 'i' })] })).code).toBe(EXIT.ok);
    const none = await run(['report', HAR], { findings: () => [] });
    expect(none.code).toBe(EXIT.ok);
    expect(none.stdout).toContain('Findings: none');
  });

  it('--json: exit codes as for text; the findings as the engine gave them, with counts', async () => {
    const { code, stdout } = await run(['report', '--json', HAR], { findings: () => [finding()] });
    expect(code).toBe(EXIT.errorFinding);
    const report = json(stdout);
    expect(report.findings).toEqual([finding()]);
    expect(report.counts).toEqual({ error: 1, warning: 0, info: 0 });
  });

  it('the engine is given the models of the file and the file\'s clock', async () => {
    let seen: { sessions: number; now: number } | undefined;
    await run(['report', HAR], { findings: (models, now) => ((seen = { sessions: models.states.timeline(now).sessions.length, now }), []) });
    // A HAR's clock: its last response plus the reaction window (nothing is pending in a HAR).
    expect(seen).toEqual({ sessions: 1, now: Date.parse('2026-11-28T09:15:10.620Z') + 3000 });
  });
});

describe('a file it cannot read: exit 2 and a clear message', () => {
  const cases: [string, Record<string, string> | undefined, string, RegExp][] = [
    ['missing', {}, 'nope.json', /^cx-lens: cannot read nope\.json: there is no such file\.\n$/],
    ['cut off', undefined, fixture('cut-off.cx-lens.json'), /ends before its JSON does: the file is cut off/],
    ['not JSON', { 'notes.txt': 'hello, world' }, 'notes.txt', /notes\.txt is not a JSON file/],
    ['neither a recording nor a HAR', { 'x.json': '{"hello": "world"}' }, 'x.json', /x\.json is JSON, but neither a CX Lens recording nor a HAR file/],
    ['a newer format', { 'new.json': '{"format": "cx-lens-recording", "version": 99, "frames": [], "records": []}' }, 'new.json', /format version 99; this CX Lens reads up to version 1/],
    ['a HAR without chat', { 'site.har': '{"log": {"version": "1.2", "entries": []}}' }, 'site.har', /site\.har is a HAR file without chat traffic/],
  ];
  for (const [what, files, path, message] of cases) {
    it(what, async () => {
      const { code, stdout, stderr } = await run(['report', path], { files });
      expect(code).toBe(EXIT.unreadable);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
    });
  }

  it('a directory', async () => {
    const { code, stderr } = await run(['report', REAL_DIR()]);
    expect(code).toBe(EXIT.unreadable);
    expect(stderr).toBe(`cx-lens: cannot read ${REAL_DIR()}: it is a directory, not a file.\n`);
  });

  it('a file too large is refused before it is read', async () => {
    let sliced = false;
    const huge = { name: 'huge.json', size: 200 * 1024 * 1024, slice: () => ((sliced = true), { arrayBuffer: async () => new ArrayBuffer(0) }) };
    const { code, stderr } = await run(['report', 'huge.json'], { readFile: async () => huge });
    expect(code).toBe(EXIT.unreadable);
    expect(stderr).toMatch(/huge\.json is 200 MB: CX Lens opens files up to 100 MB/);
    expect(sliced).toBe(false);
  });

  it('--json: also an error object on stdout', async () => {
    const { code, stdout, stderr } = await run(['report', '--json', 'nope.json'], { files: {} });
    expect(code).toBe(EXIT.unreadable);
    expect(stderr).toContain('there is no such file');
    expect(JSON.parse(stdout)).toEqual({ tool: 'cx-lens', reportVersion: REPORT_VERSION, error: { code: 'unreadable', message: 'cannot read nope.json: there is no such file.' } });
  });
});

function REAL_DIR(): string {
  return real('');
}

describe('usage', () => {
  it('--help, -h and "help" print the help and exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['report', '--help'], ['report', 'x.json', '-h']]) {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(EXIT.ok);
      expect(stdout).toBe(HELP);
      expect(stderr).toBe('');
    }
    expect(HELP).toMatch(/^Usage: cx-lens report FILE \[--json\]/);
    expect(HELP).toContain('  1  at least one finding of severity error');
    expect(HELP).toContain('  2  FILE cannot be read or opened');
  });

  const wrong: [string[], RegExp][] = [
    [[], /no command: say "cx-lens report FILE"/],
    [['report'], /which file\?/],
    [['reprot', 'x.json'], /unknown command "reprot"/],
    [['report', 'x.json', '--jsno'], /unknown option --jsno/],
    [['report', 'a.json', 'b.json'], /one file at a time \(got 2: a\.json, b\.json\)/],
  ];
  for (const [argv, message] of wrong) {
    it(`exit 3: ${JSON.stringify(argv)}`, async () => {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(EXIT.usage);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr).toContain('Run "cx-lens --help"');
    });
  }

  it('a file whose name starts with "-" after --', async () => {
    const { code, stdout } = await run(['report', '--', '-chat.har'], { files: { '-chat.har': readFileSync(HAR, 'utf8') } });
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('CX Lens report: -chat.har');
  });

  it('CX Lens failing is exit 4, with what failed', async () => {
    const { code, stderr } = await run(['report', HAR], { findings: () => { throw new Error('rule broke'); } });
    expect(code).toBe(EXIT.internal);
    expect(stderr).toMatch(/^cx-lens: CX Lens failed on .*no-handler\.har \(a bug.*Error: rule broke/s);
  });
});

describe('safe text', () => {
  it('masks secrets in the text and in the JSON, even from a file saved with its secrets', async () => {
    const file = har([stateMessage('Finalizing', 'm1', '1', '2026-11-28T09:15:00.000Z')], `https://shop.example.com/help?auth=${JWT}`);
    const findings = () => [finding({ evidence: [{ tab: 'bus', key: '1', label: `WebChat.open with token ${JWT}` }] })];
    const text = await run(['report', 'f.har'], { files: { 'f.har': file }, findings });
    expect(text.stdout).not.toContain(JWT);
    expect(text.stdout).toContain('Page: https://shop.example.com/help?auth=•••• (masked)');
    expect(text.stdout).toContain('WebChat.open with token •••• (masked)');
    const machine = await run(['report', '--json', 'f.har'], { files: { 'f.har': file }, findings });
    expect(machine.stdout).not.toContain(JWT);
    expect(json(machine.stdout).file.page).toBe('https://shop.example.com/help?auth=•••• (masked)');
  });

  it('shows control characters of a file as escapes: a hostile file cannot move the cursor or forge lines', async () => {
    const file = har([stateMessage('Final\x1b[2J\x1b[1;1HFindings: none\nizing', 'm1', '1', '2026-11-28T09:15:00.000Z')], 'https://shop.example.com/\u202eevil');
    const { stdout } = await run(['report', 'f.har'], { files: { 'f.har': file }, tty: true });
    expect(stdout).toContain('state Final\\u001b[2J\\u001b[1;1HFindings: none\\u000aizing');
    expect(stdout).toContain('Page: https://shop.example.com/\\u202eevil');
    // The only escapes left are the report's own colours.
    expect(stdout.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
  });
});

describe('safe text: secrets, control and bidirectional characters everywhere', () => {
  const SECRETS = ['tok-123', 'k-456', 'k-live-1', 'hunter2', 'dXNlcjpwYXNz'];
  const reason = '{"apiKey":"k-live-1","password":"hunter2","authorization":"Basic dXNlcjpwYXNz"}';

  it('masks secret query values of the page URL and secret keys of a reason, in the text and in --json', async () => {
    const file = har([stateMessage('Finalizing', 'm1', '1', '2026-11-28T09:15:00.000Z')], 'https://shop.example.com/help?access_token=tok-123&apikey=k-456&lang=en');
    const findings = () => [finding({ title: `RT.x was rejected: ${reason}`, evidence: [{ tab: 'bus', key: '1', label: `RT.x from CXBus: rejected, ${reason}` }] })];
    const text = await run(['report', 'f.har'], { files: { 'f.har': file }, findings });
    const machine = await run(['report', '--json', 'f.har'], { files: { 'f.har': file }, findings });
    for (const out of [text.stdout, machine.stdout]) for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(text.stdout).toContain('Page: https://shop.example.com/help?access_token=•••• (masked)&apikey=•••• (masked)&lang=en');
    expect(text.stdout).toContain('RT.x was rejected: {"apiKey":"•••• (masked)","password":"•••• (masked)","authorization":"•••• (masked)"}');
    expect(json(machine.stdout).file.page).toBe('https://shop.example.com/help?access_token=•••• (masked)&apikey=•••• (masked)&lang=en');
  });

  it('stderr: V8\'s JSON error text quoting the file shows its control bytes (ESC [2J, an unclosed OSC 8) as escapes, and masks its secrets', async () => {
    const hostile = '\x1b[2J\x1b]8;;http://evil.test\x07click {"password":"hunter2"}\u202e';
    for (const argv of [['report', 'bad.json'], ['report', '--json', 'bad.json']]) {
      const { code, stdout, stderr } = await run(argv, { files: { 'bad.json': hostile } });
      expect(code).toBe(EXIT.unreadable);
      expect(stderr).toMatch(/^cx-lens: bad\.json is not a JSON file \(.*\\u001b\[2J/);
      for (const out of [stderr, stdout]) {
        expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
        expect(out).not.toContain('hunter2');
      }
      if (argv.includes('--json')) expect((JSON.parse(stdout) as { error: { message: string } }).error.message).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e]/);
    }
  });

  it('stderr: a usage error echoing the command line, and a failure\'s message, show control characters as escapes', async () => {
    const usage = await run(['report', 'x.json', '--\x1b[2Jevil\u202e']);
    expect(usage.code).toBe(EXIT.usage);
    expect(usage.stderr).toContain('unknown option --\\u001b[2Jevil\\u202e.');
    const failed = await run(['report', HAR], { findings: () => { throw new Error('bad \x1b]8;;http://evil.test\x07 name'); } });
    expect(failed.code).toBe(EXIT.internal);
    expect(failed.stderr).toContain('Error: bad \\u001b]8;;http://evil.test\\u0007 name');
    expect(failed.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });

  it('--json: no string holds a raw control or bidirectional character, in the JSON or in its parsed values', async () => {
    const file = har([stateMessage('Final\x1b[2J\u202eizing', 'm1', '1', '2026-11-28T09:15:00.000Z')], 'https://shop.example.com/\u202eevil\u2066');
    const findings = () => [finding({ title: 'x\u202ey\x1b[1m', fix: { text: 'Fix.', snippet: 'a();\n\tb(); // \u202e' } })];
    const { stdout } = await run(['report', '--json', 'f.har'], { files: { 'f.har': file }, findings });
    const unsafe = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
    expect(stdout).not.toMatch(unsafe);
    const report = json(stdout);
    const strings: string[] = [];
    JSON.parse(stdout, (_key, value: unknown) => (typeof value === 'string' && strings.push(value), value));
    for (const s of strings) expect(s).not.toMatch(unsafe);
    expect(report.file.page).toBe('https://shop.example.com/\\u202eevil\\u2066');
    expect(report.findings[0]!.title).toBe('x\\u202ey\\u001b[1m');
    // A snippet keeps its lines and tabs (code), as in the text output.
    expect(report.findings[0]!.fix.snippet).toBe('a();\n\tb(); // \\u202e');
    expect(report.chat.sessions[0]!.segments[0]!.rows[0]).toMatchObject({ kind: 'state', state: 'Final\\u001b[2J\\u202eizing' });
  });
});

describe('colours', () => {
  const finds = () => [finding()];
  it('in a terminal: coloured severities; piped: none', async () => {
    expect((await run(['report', HAR], { tty: true, findings: finds })).stdout).toContain('\x1b[1;31mERROR  \x1b[0m');
    expect((await run(['report', HAR], { tty: false, findings: finds })).stdout).not.toContain('\x1b[');
  });

  it('NO_COLOR and --no-color turn them off; --color and FORCE_COLOR turn them on', async () => {
    expect((await run(['report', HAR], { tty: true, env: { NO_COLOR: '1' }, findings: finds })).stdout).not.toContain('\x1b[');
    expect((await run(['report', HAR, '--no-color'], { tty: true, findings: finds })).stdout).not.toContain('\x1b[');
    expect((await run(['report', HAR, '--color'], { tty: false, findings: finds })).stdout).toContain('\x1b[');
    expect((await run(['report', HAR], { tty: false, env: { FORCE_COLOR: '1' }, findings: finds })).stdout).toContain('\x1b[');
  });
});

describe('large and extreme input: a report, never a crash', () => {
  const bigHar = (body: string) => JSON.stringify({ log: { version: '1.2', pages: [{ title: 'https://shop.example.com/help' }], entries: [
    { startedDateTime: '2026-11-28T09:15:00.000Z', time: 50, request: { method: 'GET', url: 'https://api.example.com/nexus/v3/chat/sessions/s1/messages' }, response: { status: 200, content: { text: Buffer.from(body).toString('base64'), encoding: 'base64' } } },
  ] } });

  it('a HAR whose chat response holds 200,000 items: --json is the report, its items a malformed-response finding (exit 1)', async () => {
    const file = bigHar(largePollBody(LARGE, { lastDeliveredIndex: '1-0', chatEnded: false }));
    const { code, stdout, stderr } = await run(['report', '--json', 'big.har'], { files: { 'big.har': file } });
    expect(stderr).toBe('');
    expect(code).toBe(EXIT.errorFinding);
    const report = json(stdout);
    expect(report.rulesFailed).toEqual([]);
    expect(report.chat.responses).toBe(1);
    expect(ruleIdsOf(report)).toEqual(['malformed-response']);
    const text = await run(['report', 'big.har'], { files: { 'big.har': bigHar(largePollBody()) } });
    expect(text.code).toBe(EXIT.ok);
    expect(text.stdout).toContain('Findings: none');
  }, 60_000);

  it('times, expiries and counts of ±1e300 and 1e400 (Infinity) in a recording: a report, not exit 4', async () => {
    for (const far of ['1e300', '-1e300', '1e400']) {
      const text = readFileSync(RECORDING, 'utf8')
        .replace(/"time":\d+/, `"time":${far}`)
        .replace(/"savedAt":"[^"]*"/, `"savedAt":${far}`)
        .replace('"records":[', `"records":[{"docId":"x","record":{"t":"cookie-facts","seq":9,"time":${far},"role":"page","url":"https://a/","origin":"https://a","cookies":[{"name":"s","length":${far},"value":"v","session":"x","expires":${far}}]}},`);
      for (const argv of [['report', 'far.json'], ['report', '--json', 'far.json']]) {
        const { code, stdout, stderr } = await run(argv, { files: { 'far.json': text } });
        expect(stderr).toBe('');
        expect([EXIT.ok, EXIT.errorFinding]).toContain(code);
        expect(stdout.length).toBeGreaterThan(0);
      }
    }
  });

  it('a rule that fails: the report says its findings are unknown, in the text and in --json; exit 4', async () => {
    const failed = [{ rule: 'malformed-response', error: 'RangeError: Maximum call stack size exceeded' }];
    const findings = () => ({ findings: [], failed });
    const machine = await run(['report', '--json', HAR], { findings });
    expect(machine.code).toBe(EXIT.internal);
    expect(json(machine.stdout)).toMatchObject({ findings: [], counts: { error: 0, warning: 0, info: 0 }, rulesFailed: failed });
    expect(machine.stderr).toContain('1 rule failed on');
    expect(machine.stderr).toContain('malformed-response: RangeError: Maximum call stack size exceeded');
    const text = await run(['report', HAR], { findings });
    expect(text.code).toBe(EXIT.internal);
    expect(text.stdout).not.toContain('Findings: none');
    expect(text.stdout).toContain('Findings: unknown: none from the rules that ran (incomplete: 1 rule failed, see below)');
    expect(text.stdout).toContain('  Rules that failed (a bug in CX Lens; what they check is unknown):\n    malformed-response: RangeError: Maximum call stack size exceeded');
    // With findings of the rules that ran, they are printed too.
    const some = await run(['report', HAR], { findings: () => ({ findings: [finding()], failed }) });
    expect(some.code).toBe(EXIT.internal);
    expect(some.stdout).toContain('Findings: 1 error, 0 warnings, 0 info (incomplete: 1 rule failed, see below)');
    expect(some.stdout).toContain('  ERROR   no-finalize-reaction  Nothing reacted to Finalizing');
  });

  it('the real engine with a rule that throws: the others are reported, the failed one listed', async () => {
    const rules = RULES as unknown[];
    const saved = rules[0];
    rules[0] = () => { throw new TypeError('odd data'); };
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { code, stdout } = await run(['report', '--json', HAR]);
      expect(code).toBe(EXIT.internal);
      const report = json(stdout);
      expect(report.rulesFailed).toEqual([{ rule: 'rule 1', error: 'TypeError: odd data' }]); // a rule of no rule module: by its place
      expect(ruleIdsOf(report)).toContain('segment-after-finalize');
    } finally {
      rules[0] = saved;
      spy.mockRestore();
    }
  });

  it('CX Lens failing whole: --json still writes an error object (exit 4)', async () => {
    const { code, stdout } = await run(['report', '--json', HAR], { findings: () => { throw new Error('rule broke'); } });
    expect(code).toBe(EXIT.internal);
    expect(JSON.parse(stdout)).toEqual({ tool: 'cx-lens', reportVersion: REPORT_VERSION, error: { code: 'internal', message: 'rule broke' } });
  });
});
