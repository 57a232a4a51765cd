// Save a tab's models as a recording and open it again: the views show the same; the old Bus
// Export opens; a HAR feeds the States view by the live network path; bad files say why.
import { describe, expect, it } from 'vitest';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import { collect, type HarEntryLike } from '../../../../src/analysis/states/network';
import { buildRecording, recordingJson, RECORDING_FORMAT, RECORDING_VERSION, type SaveOptions } from '../../../../src/analysis/files/format';
import { OpenError, parseFile } from '../../../../src/analysis/files/parse';
import { loadFile } from '../../../../src/analysis/files/load';
import { harChatEntries } from '../../../../src/analysis/files/har';
import { LARGE, largePollBody, pollResponseBody, stateMessage } from '../../fakes/chat-api';
import { runRules } from '../../../../src/analysis/findings/engine';
import { busRows, cookieVerdict, injectionOf, realText, timelineOf } from './helpers';
import { connected, ev } from '../fixtures';
import { mutedOf } from '../../../../src/analysis/bus/mutes';

const API = 'https://api.example.com/nexus/v3/chat/sessions';
const T0 = Date.parse('2026-11-28T04:39:40.000Z');
const SAVE: SaveOptions = { keepSecrets: false, savedAt: T0 + 60_000, lensVersion: '1.2.3', bufferCap: 5000, rowCap: 100_000 };

function harEntry(url: string, body: string, at = T0, extra: object = {}): HarEntryLike {
  return { startedDateTime: new Date(at).toISOString(), time: 100, request: { method: 'GET', url }, response: { status: 200, content: { text: body } }, ...extra };
}

/** The real async recording with, on top, a network response and an injection report. */
async function liveLike() {
  const models = await loadFile(parseFile(realText('real-async-finalize'), 'real-async-finalize.json'));
  collect(models.states.network, harEntry(`${API}/net-1/messages?index=1`, pollResponseBody([stateMessage('Finalizing', 'n1', '1-0', new Date(T0).toISOString())])));
  models.store.feed.injection({
    type: 'injection',
    settings: { finalize: { text: 'We will close this chat.', behaviour: 'follow-async', states: ['Finalizing', 'Completed'] } },
    error: { feature: 'cookie-provider', message: 'Cannot access contents of the page' },
  });
  return models;
}

describe('a recording', () => {
  it('opens to the same bus rows, timeline sessions, cookie verdict and injection as the models it was saved from', async () => {
    const live = await liveLike();
    // Saved at the live models' clock (the export's time): the timelines are judged at the same time.
    const save = { ...SAVE, savedAt: Date.parse('2026-11-28T04:39:48.325Z') };
    const text = recordingJson(live, save);
    const file = parseFile(text, 'saved.json');
    expect(file).toMatchObject({ kind: 'recording', page: 'http://127.0.0.1:33001/?async=1', time: save.savedAt, secretsMasked: true, lensVersion: '1.2.3' });
    const opened = await loadFile(file, { sliceSize: 50 });

    expect(busRows(opened)).toEqual(busRows(live));
    expect(busRows(opened).length).toBeGreaterThan(300);
    const now = save.savedAt;
    expect(timelineOf(opened, now)).toEqual(timelineOf(live, now));
    expect(timelineOf(opened, now).sessions.map((s) => s.sessionId)).toContain('net-1');
    expect(opened.states.network.entries).toEqual(live.states.network.entries);
    expect(cookieVerdict(opened, now)).toEqual(cookieVerdict(live, now));
    expect(injectionOf(opened)).toEqual(injectionOf(live));
    expect(opened.injection.settings.finalize?.behaviour).toBe('follow-async');
    expect(opened.store.liveTop()?.frame.url).toBe('http://127.0.0.1:33001/?async=1');
  });

  it('holds the format, version, caps, CX Lens version and time; secrets masked unless kept', () => {
    const models = createTabModels();
    connected(models.store, 'a');
    models.store.feed.records('a', [ev('A.one', { apiKey: 'KEY-123', nested: { token: 'tok-456' } })], 0);
    const masked = buildRecording(models, SAVE);
    expect(masked).toMatchObject({
      format: RECORDING_FORMAT, version: RECORDING_VERSION, lensVersion: '1.2.3', savedAt: new Date(SAVE.savedAt).toISOString(), secretsMasked: true,
      caps: { bufferCap: 5000, rowCap: 100_000, mutes: [], copy: { stringChars: 10_000, arrayItems: 1000, objectKeys: 1000, depth: 12, nodes: 20_000 } },
      frames: [{ frame: { docId: 'a', top: true }, gone: false, dropped: 0 }],
      injection: { settings: {} },
    });
    expect(JSON.stringify(masked)).not.toMatch(/KEY-123|tok-456/);
    const kept = recordingJson(models, { ...SAVE, keepSecrets: true });
    expect(kept).toContain('KEY-123');
    expect(JSON.parse(kept).secretsMasked).toBe(false);
  });

  it('carries the muted event names and the hooks\' muted counts; a file without them opens with none', async () => {
    const models = createTabModels();
    connected(models.store, 'a');
    models.store.feed.mutes!({ type: 'mutes', names: ['WebChatService.typingStarted'] });
    models.store.feed.records('a', [{ t: 'status', seq: 2, time: T0, status: { cxbus: 'tapped', quickBus: false, plugins: [], problems: [], muted: [{ name: 'WebChatService.typingStarted', count: 42 }] } }], 0);
    const saved = buildRecording(models, SAVE);
    expect(saved.caps.mutes).toEqual(['WebChatService.typingStarted']);
    const opened = await loadFile(parseFile(JSON.stringify(saved), 'muted.json'));
    expect(opened.mutes.names).toEqual(['WebChatService.typingStarted']);
    expect(mutedOf(opened.store).total).toBe(42);
    // Files of earlier versions have no caps.mutes; junk there is ignored.
    for (const mutes of [undefined, 'x', [1, null]]) {
      const old = { ...saved, caps: { ...saved.caps, mutes } };
      const file = parseFile(JSON.stringify(old), 'old.json');
      expect(file.mutes).toEqual([]);
      expect((await loadFile(file)).mutes.names).toEqual([]);
    }
  });

  it('keeps a navigated-away document gone and its records, without emptying the log', async () => {
    const models = createTabModels({ preserveLog: true });
    connected(models.store, 'first');
    models.store.feed.records('first', [ev('A.before')], 0);
    models.store.feed.frame({ docId: 'second', frameId: 0, url: 'http://localhost:8760/second', origin: 'http://localhost:8760', top: true, seenAt: 6000 });
    models.store.feed.frameGone('first');
    models.store.feed.records('second', [ev('A.after')], 0);
    const opened = await loadFile(parseFile(recordingJson(models, SAVE), 'nav.json'));
    expect(busRows(opened).map((r) => r[2])).toEqual(['A.before', 'A.after']);
    expect(opened.store.liveTop()?.frame.docId).toBe('second');
    expect(opened.store.docs.get('first')?.gone).toBe(true);
  });
});

describe('the old Bus Export', () => {
  it('opens: the real async recording shows one async session, its reactions and the flag', async () => {
    const file = parseFile(realText('real-async-finalize'), 'real-async-finalize.json');
    expect(file).toMatchObject({ kind: 'export', page: 'http://127.0.0.1:33001/?async=1', secretsMasked: true, time: Date.parse('2026-11-28T04:39:48.325Z') });
    const models = await loadFile(file);
    const t = timelineOf(models, file.time);
    expect(t.mode).toBe('async');
    expect(t.sessions).toHaveLength(1);
    expect(t.sessions[0]!.segments.map((g) => g.rows)).toEqual([
      ['customer', 'agent', 'Finalizing [bus] → inject WebChat.injectMessage resolved'],
      ['customer (flagged)', 'Active [bus]', 'agent', 'Completed [bus] → inject WebChat.injectMessage resolved'],
    ]);
    expect(t.sessions[0]!.flags).toEqual([[2, 'Finalizing']]);
    expect(cookieVerdict(models, file.time).state).toBe('no-iframe');
    expect(models.injection.records.map((r) => r.record.t)).toEqual(['inject', 'inject', 'inject']);
    // The Export held no injection report: the switch is read from the handler's own reports.
    expect(models.injection.settings).toEqual({ finalize: { text: expect.stringContaining('Thank you for your query'), behaviour: 'follow-async', states: ['Finalizing', 'Completed'] } });
  });

  it('opens: the real sync recording shows one sync session ended by WebChat.endChat', async () => {
    const file = parseFile(realText('real-sync-end'), 'real-sync-end.json');
    const models = await loadFile(file);
    const t = timelineOf(models, file.time);
    expect(t.mode).toBe('sync');
    expect(t.sessions).toHaveLength(1);
    expect(t.sessions[0]!.segments.flatMap((g) => g.rows)).toEqual(['agent', 'customer', 'Completed [bus] → end WebChat.endChat resolved']);
    expect(busRows(models).some((r) => r[2] === 'WebChat.endChat' && r[5] === 'resolved')).toBe(true);
  });
});

describe('a HAR file', () => {
  const har = (entries: unknown[], pages: unknown[] = [{ title: 'https://shop.example.com/help' }]) => JSON.stringify({ log: { version: '1.2', pages, entries } });

  it('feeds its chat API message responses, and only those, to the States view', async () => {
    const chat = harEntry(`${API}/s1/messages?index=1`, pollResponseBody([stateMessage('Finalizing', 'm1', '1-0', new Date(T0).toISOString())]));
    const base64 = harEntry(`${API}/s1/messages?index=2`, btoa(pollResponseBody([stateMessage('Completed', 'm2', '2-0', new Date(T0 + 1000).toISOString())])), T0 + 1000);
    base64.response!.content!.encoding = 'base64';
    const entries = [
      harEntry('https://shop.example.com/app.js', 'console.log(1)'),
      harEntry(`${API}/s1/userdata`, '{}'),
      { ...harEntry(`${API}/s1/messages`, '{}'), request: { method: 'POST', url: `${API}/s1/messages` } },
      { ...harEntry(`${API}/s1/messages?index=9`, ''), response: { status: 0 } }, // a poll cut off
      null, 'junk', { request: null },
      chat, base64,
    ];
    // The base64 body comes decoded: parsing (in the parse worker) decodes it, not the panel's thread.
    const decoded = { ...base64, response: { ...base64.response, content: { text: atob(base64.response!.content!.text!) } } };
    expect(harChatEntries(JSON.parse(har(entries))).entries).toEqual([chat, decoded]);
    const file = parseFile(har(entries), 'customer.har');
    expect(file).toMatchObject({ kind: 'har', page: 'https://shop.example.com/help', time: T0 + 1100, records: [] });
    const models = await loadFile(file);
    expect(models.states.network.entries.map((e) => e.url)).toEqual([chat.request!.url, base64.request!.url]);
    const t = timelineOf(models, file.time);
    expect(t.sessions.flatMap((s) => s.segments.flatMap((g) => g.rows))).toEqual(['Finalizing [network] → none', 'Completed [network] → none']);
    expect(busRows(models)).toEqual([]);
    expect(models.store.liveTop()?.frame.url).toBe('https://shop.example.com/help');
  });
});

describe('a file that cannot be opened says why', () => {
  const message = (text: string, name = 'f.json'): string => {
    try {
      parseFile(text, name);
    } catch (error) {
      expect(error).toBeInstanceOf(OpenError);
      return (error as Error).message;
    }
    throw new Error('opened');
  };

  it('not JSON', () => {
    expect(message('<html>hello</html>', 'page.html')).toMatch(/^page\.html is not a JSON file/);
    expect(message('')).toMatch(/is not a JSON file|cut off/);
  });

  it('JSON of neither format', () => {
    expect(message('{"hello": "world"}')).toMatch(/neither a CX Lens recording nor a HAR file/);
    expect(message('[1, 2, 3]')).toMatch(/neither a CX Lens recording nor a HAR file/);
    expect(message('null')).toMatch(/neither/);
  });

  it('a HAR without chat traffic', () => {
    const har = { log: { version: '1.2', entries: [harEntry('https://shop.example.com/', '<html>')] } };
    expect(message(JSON.stringify(har), 'site.har')).toMatch(/^site\.har is a HAR file without chat traffic/);
  });

  it('a newer format version', () => {
    expect(message(JSON.stringify({ format: RECORDING_FORMAT, version: RECORDING_VERSION + 1, frames: [], records: [] })))
      .toMatch(new RegExp(`format version ${RECORDING_VERSION + 1}; this CX Lens reads up to version ${RECORDING_VERSION}`));
    expect(message(JSON.stringify({ format: RECORDING_FORMAT, version: 'one' }))).toMatch(/without a valid format version/);
  });

  it('a truncated file', () => {
    const text = realText('real-sync-end');
    for (const cut of [text.length - 5, Math.floor(text.length / 2), 100]) {
      expect(message(text.slice(0, cut), 'real.json')).toMatch(/^real\.json ends before its JSON does: the file is cut off/);
    }
  });
});

describe('large and extreme files', () => {
  const har = (entries: unknown[]) => JSON.stringify({ log: { version: '1.2', pages: [{ title: 'https://shop.example.com/help' }], entries } });

  it('a HAR with a 200,000-item chat response (as base64) opens: States lists its items, every rule runs', async () => {
    const body = largePollBody(LARGE, { lastDeliveredIndex: '1-0', chatEnded: false });
    const entry = harEntry(`${API}/s1/messages`, Buffer.from(body).toString('base64'));
    entry.response!.content!.encoding = 'base64';
    const file = parseFile(har([entry]), 'big.har');
    // Decoded while parsing (in the parse worker for the panel), not when the panel loads it.
    expect(file.harEntries[0]!.response!.content).toEqual({ text: body, encoding: undefined });
    const models = await loadFile(file);
    const t = models.states.timeline(file.clock);
    expect(t.problems).toHaveLength(LARGE);
    const { findings, failed } = runRules(models, file.clock);
    expect(failed).toEqual([]);
    expect(findings.map((f) => f.rule)).toEqual(['malformed-response']);
  }, 60_000);

  it("a file's times and counts of ±1e300, Infinity (1e400) and NaN open and are judged without throwing", async () => {
    const frame = { docId: 'a', frameId: 0, url: 'https://shop.example/', origin: 'https://shop.example', top: true, seenAt: 1 };
    for (const far of ['1e300', '-1e300', '1e400', '-1e400', '"NaN"']) {
      const records = [
        `{"docId":"a","record":{"t":"cookie-facts","seq":1,"time":${far},"role":"page","url":"https://shop.example/","origin":"https://shop.example","cookies":[{"name":"s","length":${far},"value":"v","session":"x","expires":${far}}],"cookiesLeftOut":${far}}}`,
        `{"docId":"a","record":{"t":"channel-gap","seq":2,"time":1,"channel":${far},"other":${far},"from":${far},"to":${far},"origins":[{"origin":"o","count":${far}}]}}`,
        `{"docId":"a","record":{"t":"command","seq":3,"time":${far},"id":1,"name":"WebChat.open","commander":"x","options":{}}}`,
      ];
      const text = `{"format":"cx-lens-recording","version":1,"savedAt":${far},"page":"","frames":[${JSON.stringify({ frame, gone: false, dropped: 0 })}],` +
        `"records":[${records.join(',')}],"network":[{"url":"${API}/s1/messages","time":${far},"body":${JSON.stringify(pollResponseBody([stateMessage('Finalizing', 'f', '1', 'x')]))}}],"injection":{"settings":{}}}`;
      const file = parseFile(text, 'far.json');
      const models = await loadFile(file);
      const { failed } = runRules(models, file.clock);
      expect(failed).toEqual([]);
      cookieVerdict(models, file.clock);
      timelineOf(models, file.clock);
      const harFile = parseFile(har([{ ...harEntry(`${API}/s1/messages`, pollResponseBody([stateMessage('Completed', 'c', '1', 'x')])), time: JSON.parse(far === '"NaN"' ? '0' : far.replace('1e400', '1e308')) }]), 'far.har');
      expect(Number.isFinite(harFile.time) && Math.abs(harFile.time) <= 8.64e15).toBe(true);
      expect(runRules(await loadFile(harFile), harFile.clock).failed).toEqual([]);
    }
  });
});
