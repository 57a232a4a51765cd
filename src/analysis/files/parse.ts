// Understanding a file opened in the panel: a CX Lens recording, a JSON of the old Bus Export, or a
// HAR. Plain code without models or DOM, so that it runs in the parse worker (parse-worker.ts) as
// well as in tests. Everything in a file is untrusted, like a page's records: each field is checked.
import type { CaptureRecord, FrameInfo, InjectionSettings, WorkerToPanel } from '../../shared/protocol';
import { muteList } from '../../shared/mutes';
import { isInjectFeature, parseCookieProviderOptions, parseFinalizeOptions } from '../../shared/injection-options';
import type { ChatNetworkEntry } from '../../shared/interaction-states';
import { RECORDING_FORMAT, RECORDING_VERSION } from './format';
import { harChatEntries, isHar } from './har';
import type { HarEntryLike } from '../states/network';
import { REACTION_WINDOW_MS } from '../states/timeline';

export type FileKind = 'recording' | 'export' | 'har';

/** A file understood, not yet loaded: what goes into the models. */
export interface ParsedFile {
  kind: FileKind;
  name: string;
  /** The top frame's URL ('' when the file does not say). */
  page: string;
  /** ms epoch: when it was saved (recording, export) or its last response (HAR). */
  time: number;
  /** The models' clock (ms epoch): `time`, or for a HAR past the reaction window of its last
   *  response (a HAR is saved after its last response; it has no bus, so nothing is pending). */
  clock: number;
  secretsMasked: boolean | null;
  lensVersion?: string;
  frames: { frame: FrameInfo; gone: boolean; dropped: number }[];
  records: { docId: string; record: CaptureRecord }[];
  network: ChatNetworkEntry[];
  /** HAR entries that are chat API message responses, read by the live network path. */
  harEntries: HarEntryLike[];
  injection?: { settings: InjectionSettings; error?: InjectionError };
  /** Event names muted when the recording was saved (caps.mutes; none in older files). */
  mutes?: string[];
}

/** The worker's last injection error, as a recording holds it. */
type InjectionError = NonNullable<Extract<WorkerToPanel, { type: 'injection' }>['error']>;

/** A file that cannot be opened; `message` is for the user. */
export class OpenError extends Error {}

/** Understands the text of a file, or throws an OpenError saying why not. */
export function parseFile(text: string, name: string): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OpenError(jsonProblem(text, error, name));
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new OpenError(neither(name));
  const d = data as Record<string, unknown>;
  if (d.format === RECORDING_FORMAT) return parseRecording(d, name);
  if (d.tool === 'CX Lens' && Array.isArray(d.records)) return parseExport(d, name);
  if (isHar(d)) return parseHar(d, name);
  throw new OpenError(neither(name));
}

function neither(name: string): string {
  return `${name} is JSON, but neither a CX Lens recording nor a HAR file (no "format": "${RECORDING_FORMAT}", no "log.entries").`;
}

function jsonProblem(text: string, error: unknown, name: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const body = text.trimEnd();
  const at = /position (\d+)/.exec(message);
  const start = body.trimStart()[0];
  const looksJson = start === '{' || start === '[';
  if (looksJson && (/end of JSON/i.test(message) || (at && Number(at[1]) >= body.length - 1))) {
    return `${name} ends before its JSON does: the file is cut off (an interrupted download or copy?). Nothing was opened.`;
  }
  return `${name} is not a JSON file (${message.slice(0, 200)}). CX Lens opens its recordings and HAR files.`;
}

function parseRecording(d: Record<string, unknown>, name: string): ParsedFile {
  const version = d.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new OpenError(`${name} is a CX Lens recording without a valid format version.`);
  }
  if (version > RECORDING_VERSION) {
    throw new OpenError(`${name} is a recording of format version ${version}; this CX Lens reads up to version ${RECORDING_VERSION}. Update CX Lens to open it.`);
  }
  if (!Array.isArray(d.records) || !Array.isArray(d.frames)) throw new OpenError(`${name} is a CX Lens recording without its frames or records: it cannot be read.`);
  const frames = d.frames.flatMap((f) => {
    if (typeof f !== 'object' || f === null) return [];
    const o = f as Record<string, unknown>;
    const frame = frameOf(o.frame);
    return frame ? [{ frame, gone: o.gone === true, dropped: countOf(o.dropped) }] : [];
  });
  const injection = d.injection as Record<string, unknown> | undefined;
  const error = injectionErrorOf(injection?.error);
  return {
    kind: 'recording',
    name,
    page: stringOf(d.page),
    time: timeOf(d.savedAt),
    clock: timeOf(d.savedAt),
    secretsMasked: typeof d.secretsMasked === 'boolean' ? d.secretsMasked : null,
    lensVersion: stringOf(d.lensVersion) || undefined,
    frames,
    records: recordsOf(d.records),
    network: Array.isArray(d.network) ? d.network.flatMap(networkEntryOf) : [],
    harEntries: [],
    injection: {
      settings: settingsOf(injection?.settings),
      ...(error ? { error } : {}),
    },
    mutes: muteList((d.caps as Record<string, unknown> | undefined)?.mutes),
  };
}

/** The old Bus Export: `{tool: 'CX Lens', exportedAt, secretsMasked, frames: FrameInfo[], records}`. */
function parseExport(d: Record<string, unknown>, name: string): ParsedFile {
  const frames = (Array.isArray(d.frames) ? d.frames : []).flatMap((f) => {
    const frame = frameOf(f);
    return frame ? [frame] : [];
  });
  // The export did not say which frames were gone: the newest top frame is the page, older top
  // frames are documents it navigated away from (kept with preserve log).
  const tops = frames.filter((f) => f.top).sort((a, b) => b.seenAt - a.seenAt);
  const top = tops[0];
  const records = recordsOf(d.records as unknown[]);
  return {
    kind: 'export',
    name,
    page: top?.url ?? '',
    time: timeOf(d.exportedAt),
    clock: timeOf(d.exportedAt),
    secretsMasked: typeof d.secretsMasked === 'boolean' ? d.secretsMasked : null,
    frames: frames.map((frame) => ({ frame, gone: frame.top && frame !== top, dropped: 0 })),
    records,
    network: [],
    harEntries: [],
    injection: { settings: inferredSettings(records) },
  };
}

/**
 * The injection switches an old Export did not hold, as the injected scripts reported them: a
 * feature whose last report in the page is not "removed" or "failed" was on, with the options its
 * install reported (the finalize handler only when CX Lens injected it, not the site's own copy).
 */
function inferredSettings(records: readonly { record: CaptureRecord }[]): InjectionSettings {
  const found: Record<string, unknown> = {};
  for (const feature of ['finalize', 'cookie-provider']) {
    let options: unknown;
    for (const { record } of records) {
      if (record.t !== 'inject' || record.feature !== feature) continue;
      const detail = (record.detail ?? {}) as Record<string, unknown>;
      if (record.state === 'removed' || record.state === 'failed') options = undefined;
      else if (record.state === 'installed' || record.state === 'waiting') {
        if (feature === 'cookie-provider') options = { cookieName: detail.cookieName, iframeUrl: detail.iframeUrl };
        else if ((detail.options as Record<string, unknown> | undefined)?.source === 'extension') options = detail.options;
      }
    }
    if (options !== undefined) found[feature] = options;
  }
  return settingsOf(found);
}

function parseHar(d: Record<string, unknown>, name: string): ParsedFile {
  const { entries, page, time } = harChatEntries(d);
  if (entries.length === 0) {
    throw new OpenError(`${name} is a HAR file without chat traffic: no response to GET …/chat/sessions/{id}/messages in it. Record the HAR while the chat runs.`);
  }
  return {
    kind: 'har',
    name,
    page,
    time,
    clock: time + REACTION_WINDOW_MS,
    secretsMasked: null,
    // The page the HAR was recorded on, as a top frame: views name it; it has no bus.
    frames: page ? [{ frame: { docId: 'har-page', frameId: 0, url: page, origin: originOf(page), top: true, seenAt: time }, gone: false, dropped: 0 }] : [],
    records: [],
    network: [],
    harEntries: entries,
  };
}

// ---------------------------------------------------------------------------------------------
// Untrusted fields

function recordsOf(list: unknown[]): { docId: string; record: CaptureRecord }[] {
  const out: { docId: string; record: CaptureRecord }[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { docId, record } = item as Record<string, unknown>;
    // The store checks each record's kind itself, as it does for live ones.
    if (typeof docId === 'string' && typeof record === 'object' && record !== null) out.push({ docId, record: record as CaptureRecord });
  }
  return out;
}

function frameOf(value: unknown): FrameInfo | null {
  if (typeof value !== 'object' || value === null) return null;
  const f = value as Record<string, unknown>;
  if (typeof f.docId !== 'string') return null;
  return {
    docId: f.docId,
    frameId: typeof f.frameId === 'number' ? f.frameId : -1,
    url: stringOf(f.url),
    origin: stringOf(f.origin),
    top: f.top === true,
    seenAt: typeof f.seenAt === 'number' && Number.isFinite(f.seenAt) ? f.seenAt : 0,
    ...(typeof f.contested === 'string' && f.contested ? { contested: f.contested.slice(0, 300) } : {}),
  };
}

function networkEntryOf(value: unknown): ChatNetworkEntry[] {
  if (typeof value !== 'object' || value === null) return [];
  const e = value as Record<string, unknown>;
  if (typeof e.url !== 'string' || typeof e.time !== 'number' || !Number.isFinite(e.time)) return [];
  const entry: ChatNetworkEntry = { url: e.url, method: stringOf(e.method) || 'GET', time: e.time, body: typeof e.body === 'string' ? e.body : null };
  if (typeof e.status === 'number') entry.status = e.status;
  return [entry];
}

/** The injection switches a file holds, each checked by its feature's validator (as the service
 *  worker checks the panel's): a feature whose options are not valid is left out. */
function settingsOf(value: unknown): InjectionSettings {
  if (typeof value !== 'object' || value === null) return {};
  const s = value as Record<string, unknown>;
  const out: InjectionSettings = {};
  const finalize = Object.hasOwn(s, 'finalize') ? parseFinalizeOptions(s.finalize) : undefined;
  if (finalize?.ok) {
    // The switch's options: `source` (who installed the handler) is the page's report, not the switch's.
    const { text, behaviour, states } = finalize.options;
    out.finalize = { text, behaviour, states };
  }
  const cookie = Object.hasOwn(s, 'cookie-provider') ? parseCookieProviderOptions(s['cookie-provider']) : undefined;
  if (cookie?.ok) out['cookie-provider'] = cookie.options;
  return out;
}

function injectionErrorOf(value: unknown): InjectionError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { feature, message } = value as Record<string, unknown>;
  if (typeof message !== 'string' || !(isInjectFeature(feature) || feature === 'simulate')) return undefined;
  return { feature, message };
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function timeOf(value: unknown): number {
  const t = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(t) ? t : 0;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}
