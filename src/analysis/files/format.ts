// The CX Lens recording file (docs/recording-format.md): what one inspected tab showed, saved so
// that it can be opened again, by the same panel or a colleague's, and shown as it was. Writing
// it is plain code over the tab's models: no DOM, no chrome.* (the entry passes the version and
// the buffer cap it read).
import type { Copied, FrameInfo, InjectionSettings } from '../../shared/protocol';
import type { ChatNetworkEntry } from '../../shared/interaction-states';
import type { TabModels } from '../store/tab-models';
import type { TabRecord } from '../store/tab-store';
import { boundTree } from '../text/bounded';
import { maskSecrets, maskString } from '../text/secrets';
import { MAX_ARRAY_ITEMS, MAX_DEPTH, MAX_NODES, MAX_OBJECT_KEYS, MAX_STRING_CHARS } from '../../shared/copy-caps';

/** The `format` field: what tells a recording from any other JSON. */
export const RECORDING_FORMAT = 'cx-lens-recording';
/** The version this code writes and the newest it reads. Bumped only when a field is removed,
 *  renamed or changes meaning; new optional fields keep the version. */
export const RECORDING_VERSION = 1;

/** The caps in force when the recording was made: what was cut or dropped, and where. */
export interface RecordingCaps {
  /** Records each frame's relay keeps until a panel reads them. */
  bufferCap: number | null;
  /** The page hook's copy caps (src/page/safe-copy.ts). */
  copy: { stringChars: number; arrayItems: number; objectKeys: number; depth: number; nodes: number };
  /** Rows the Bus list keeps. */
  rowCap: number;
  /** Event names muted in the tab when saved: the hooks skipped their events (counted in the
   *  frames' status records, `status.muted`). Absent from files of older versions of CX Lens. */
  mutes: string[];
}

export interface RecordingFrame {
  frame: FrameInfo;
  /** The frame had navigated away or was removed when the recording was saved. */
  gone: boolean;
  /** The relay's count of records its buffer dropped. */
  dropped: number;
}

export interface Recording {
  format: typeof RECORDING_FORMAT;
  version: number;
  lensVersion: string;
  /** ISO 8601: when the recording was saved. */
  savedAt: string;
  secretsMasked: boolean;
  /** The top frame's URL when saved ('' if none). */
  page: string;
  caps: RecordingCaps;
  frames: RecordingFrame[];
  /** Every record the tab store held, in arrival order. */
  records: TabRecord[];
  /** Oldest records the store had already dropped (its cap) before the save. */
  recordsDropped: number;
  /** The chat API responses the States view read from the network. */
  network: ChatNetworkEntry[];
  injection: { settings: InjectionSettings; error?: { feature: string; message: string; time: number } };
}

export interface SaveOptions {
  /** Keep secrets as captured (the user chose it, warned); masked otherwise. */
  keepSecrets: boolean;
  /** When (ms epoch). */
  savedAt: number;
  lensVersion: string;
  bufferCap: number | null;
  rowCap: number;
}

/** The recording of a tab's models. Each record is bounded on its own (levels and size, see
 *  boundTree) and masked unless asked, so one hostile record neither breaks the file nor leaks. */
export function buildRecording(models: TabModels, options: SaveOptions): Recording {
  const { store, states, injection } = models;
  const shown = (value: Copied): Copied => (options.keepSecrets ? boundTree(value).value : maskSecrets(value).value);
  const text = (s: string): string => (options.keepSecrets ? s : maskString(s));
  const frames = [...store.docs.values()].map((d) => ({ frame: shown(d.frame as unknown as Copied) as unknown as FrameInfo, gone: d.gone, dropped: d.dropped }));
  const top = store.liveTop();
  const error = injection.error;
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    lensVersion: options.lensVersion,
    savedAt: new Date(options.savedAt).toISOString(),
    secretsMasked: !options.keepSecrets,
    page: top ? text(top.frame.url) : '',
    caps: {
      bufferCap: options.bufferCap,
      copy: { stringChars: MAX_STRING_CHARS, arrayItems: MAX_ARRAY_ITEMS, objectKeys: MAX_OBJECT_KEYS, depth: MAX_DEPTH, nodes: MAX_NODES },
      rowCap: options.rowCap,
      mutes: [...models.mutes.names],
    },
    frames,
    records: store.records.map(({ docId, record }) => ({ docId, record: shown(record as unknown as Copied) as unknown as TabRecord['record'] })),
    recordsDropped: store.recordsDropped,
    network: states.network.entries.map((e) => ({ ...e, url: text(e.url), body: e.body === null ? null : maskBody(e.body, options.keepSecrets) })),
    injection: {
      settings: shown(injection.settings as unknown as Copied) as unknown as InjectionSettings,
      ...(error ? { error: { feature: error.feature, message: text(error.message), time: error.time } } : {}),
    },
  };
}

/** The recording as the text of a file. */
export function recordingJson(models: TabModels, options: SaveOptions): string {
  return JSON.stringify(buildRecording(models, options));
}

/** A file name: cx-lens-<host>-<time>.json. */
export function recordingFileName(pageUrl: string, savedAt: number): string {
  let host = 'page';
  try {
    host = new URL(pageUrl).host.replace(/[^\w.-]/g, '_') || 'page';
  } catch {
    /* no page: keep "page" */
  }
  return `cx-lens-${host}-${new Date(savedAt).toISOString().replace(/[:.]/g, '-')}.json`;
}

/** A chat API body with its secrets masked, still the JSON the timeline parses when it was JSON. */
function maskBody(body: string, keepSecrets: boolean): string {
  if (keepSecrets) return body;
  try {
    return JSON.stringify(maskSecrets(JSON.parse(body) as Copied).value);
  } catch {
    return maskString(body);
  }
}
