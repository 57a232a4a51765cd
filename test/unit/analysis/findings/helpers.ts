// A tab's real models fed with records, the way the panel's feed delivers them, and the findings
// the engine draws from them.
import { createTabModels, type TabModels } from '../../../../src/analysis/store/tab-models';
import { computeFindings } from '../../../../src/analysis/findings/engine';
import type { Finding } from '../../../../src/analysis/findings/types';
import type { CaptureRecord, Copied, FrameInfo, HookStatus } from '../../../../src/shared/protocol';
import type { ChatNetworkEntry } from '../../../../src/shared/interaction-states';
import { stateMessage } from '../../fakes/chat-api';

export const T0 = Date.parse('2026-05-01T10:00:00.000Z');
export const SESSION = 'sess-1';
export const ORIGIN = 'https://shop.example';

export interface Tab {
  models: TabModels;
  /** The page's clock (and the models'), ms epoch. */
  clock: number;
  /** Feeds records to a document ('a', the top frame, unless named). Times are offsets from T0. */
  feed(...records: CaptureRecord[]): void;
  feedTo(docId: string, ...records: CaptureRecord[]): void;
  network(...entries: ChatNetworkEntry[]): void;
  findings(at?: number): Finding[];
  rules(at?: number): string[];
  one(rule: string, at?: number): Finding;
}

let seq = 0;

export function tab(frames: FrameInfo[] = [topFrame()]): Tab {
  const clock = { now: T0 };
  const t: Tab = {
    get clock() {
      return clock.now;
    },
    set clock(v: number) {
      clock.now = v;
    },
    models: createTabModels({ now: () => clock.now }),
    feed: (...records) => t.feedTo(frames[0]!.docId, ...records),
    feedTo: (docId, ...records) => {
      for (const r of records) r.seq = ++seq;
      t.models.store.feed.records(docId, records, 0);
      const last = Math.max(...records.map((r) => r.time));
      if (last > t.clock) t.clock = last;
    },
    network: (...entries) => {
      for (const e of entries) t.models.states.network.add(e);
    },
    findings: (at) => {
      if (at !== undefined) t.clock = at;
      return computeFindings(t.models, t.clock);
    },
    rules: (at) => t.findings(at).map((f) => f.rule),
    one: (rule, at) => {
      const found = t.findings(at).filter((f) => f.rule === rule);
      if (found.length !== 1) throw new Error(`expected one ${rule}, got ${found.length}: ${t.rules().join(', ')}`);
      return found[0]!;
    },
  };
  t.models.store.feed.connection('connected');
  for (const f of frames) t.models.store.feed.frame(f);
  return t;
}

export const topFrame = (docId = 'a', url = `${ORIGIN}/page`): FrameInfo =>
  ({ docId, frameId: 0, url, origin: new URL(url).origin, top: true, seenAt: T0 - 1000 });
export const childFrame = (docId: string, url: string): FrameInfo =>
  ({ docId, frameId: 1, url, origin: new URL(url).origin, top: false, seenAt: T0 - 1000 });

export const ev = (at: number, name: string, data: unknown = {}): CaptureRecord =>
  ({ t: 'event', seq: 0, time: T0 + at, name, publisher: name.split('.')[0]!, via: 'publish', data: data as Copied });
export const cmd = (at: number, id: number, name: string, commander = 'CXBus', options: unknown = {}): CaptureRecord =>
  ({ t: 'command', seq: 0, time: T0 + at, id, name, commander, options: options as Copied });
export const out = (at: number, id: number, outcome: 'resolved' | 'rejected' | 'cancelled', value: unknown = null): CaptureRecord =>
  ({ t: 'outcome', seq: 0, time: T0 + at, id, outcome, value: value as Copied });
export const plugin = (at: number, name: string, action: 'registerPlugin' | 'registerCommand' | 'subscribe' = 'registerPlugin', names: string[] = [], ok = true): CaptureRecord =>
  ({ t: 'plugin', seq: 0, time: T0 + at, action, plugin: name, names, ok });
export const status = (at: number, s: Partial<HookStatus>): CaptureRecord =>
  ({ t: 'status', seq: 0, time: T0 + at, status: { cxbus: 'tapped', quickBus: true, plugins: [], problems: [], ...s } });
export const pageMade = <R extends CaptureRecord>(r: R): R => ({ ...r, pageMade: true });

/** The registrations of WebChat and WebChatService as the real bus reports them. */
export function registrations(at = 0): CaptureRecord[] {
  return [
    plugin(at, 'WebChat'),
    plugin(at, 'WebChat', 'registerCommand', ['WebChat.open']),
    plugin(at, 'WebChat', 'registerCommand', ['WebChat.close']),
    plugin(at, 'WebChat', 'registerCommand', ['WebChat.injectMessage']),
    plugin(at, 'WebChat', 'registerCommand', ['WebChat.endChat']),
    plugin(at, 'WebChatService'),
    plugin(at, 'WebChatService', 'registerCommand', ['WebChatService.endChat']),
  ];
}

// ---- chat on the bus

export const started = (at: number, sessionId = SESSION) => ev(at, 'WebChatService.started', { data: { sessionId } });
export const received = (at: number, messages: unknown[], extra: Record<string, unknown> = {}) =>
  ev(at, 'WebChatService.messageReceived', { messages: [], originalMessages: messages, restoring: false, oldMessages: false, ...extra });
export const stateAt = (state: string, at: number, id = `${state}-${at}`) =>
  stateMessage(state, id, `${T0 + at}-0`, new Date(T0 + at).toISOString());
export const textAt = (from: 'Customer' | 'Agent', at: number, text = 'hi', id = `${from}-${at}`) =>
  ({ type: 'Text', from: { type: from, participantId: from }, text, id, index: `${T0 + at}-0`, utcTime: new Date(T0 + at).toISOString() });

// ---- chat on the network

export const messagesUrl = (sessionId = SESSION, query = '') => `https://api.example.com/nexus/v3/chat/sessions/${sessionId}/messages${query}`;
export const response = (at: number, body: unknown, url = messagesUrl()): ChatNetworkEntry =>
  ({ url, method: 'GET', status: 200, time: T0 + at, body: typeof body === 'string' ? body : JSON.stringify(body) });
