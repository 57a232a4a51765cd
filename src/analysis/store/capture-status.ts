// Capture status: what is being captured and, when nothing is, why. Read from the tab store
// (connection, frames and their hook status) and the bus list's counts.
import { textOf } from '../text/bounded';
import type { HookStatus } from '../../shared/protocol';
import type { BusModel } from '../bus/bus-model';
import type { TabStore } from './tab-store';
import { formatCount, plural } from '../text/summary';

/** How long without any frame before the status says no content script answered. */
export const NO_PAGE_AFTER_MS = 1500;

export type CaptureState = 'connecting' | 'reconnecting' | 'no-page' | 'no-bus' | 'capturing';

export interface FrameSummary {
  docId: string;
  url: string;
  top: boolean;
  /** 'unknown': the page hook has not reported in this frame. */
  bus: HookStatus['cxbus'] | 'unknown';
  quickBus: boolean;
  plugins: string[];
  problems: string[];
  dropped: number;
  lost: number;
  /** Events, commands and registrations of this frame since the last clear. */
  busRows: number;
  /** Records the frame's hook could not make or send (its status says so: HookStatus.unrecorded),
   *  with the first reason; the frame's capture is partial when there are any. */
  unrecorded: number;
  unrecordedReason: string;
  /** Why another page could have reached CX Lens's hand-over in this frame: its records are page-made. */
  contested?: string;
}

export interface CaptureStatus {
  state: CaptureState;
  /** One sentence for the status line. */
  message: string;
  frames: FrameSummary[];
  dropped: number;
  lost: number;
  /** What this panel never received, by reason. */
  losses: Losses;
  /** Records the page made (not CX Lens's hook) since the last clear: shown in the Bus, marked,
   *  and used for nothing else; and how many of them went past their own budget. */
  pageMade: number;
  pageMadeDropped: number;
  /** Records since the last clear that were no valid record: shown as malformed. */
  malformed: number;
  /** One line on the page-made and malformed records, empty when there are none. */
  untrusted: string;
  /** One line on the frames whose capture is contested (their records page-made), empty when none. */
  contested: string;
}

/** Records lost, by reason: the hook could not make or send them (its status counts them); the
 *  relay's page buffer was full before a panel read them; they were too large to send; or a gap in
 *  the seq numbers that none of these explains. */
export interface Losses {
  notRecorded: number;
  bufferFull: number;
  tooLarge: number;
  other: number;
  total: number;
}

/** One document's losses. The relay's too-large count is taken as it is (its records never reach a
 *  panel, even before the panel sees the gap); the buffer's only as far as the seq gaps show it
 *  (its count includes records an earlier panel had received). Gaps left by page-made records the
 *  relay did not keep (their own budget) are no loss of genuine records: left out. */
export function lossesOf(doc: { dropped: number; tooLarge: number; lost: number; pageMadeDropped?: number; status?: HookStatus }): Losses {
  const tooLarge = doc.tooLarge;
  const pageMade = Math.min(doc.pageMadeDropped ?? 0, Math.max(0, doc.lost - tooLarge));
  const bufferFull = Math.min(doc.dropped, Math.max(0, doc.lost - tooLarge - pageMade));
  const other = Math.max(0, doc.lost - tooLarge - pageMade - bufferFull);
  // Never sent, so no seq gap shows them: the hook's own count.
  const notRecorded = unrecordedOf(doc.status).count;
  return { notRecorded, bufferFull, tooLarge, other, total: notRecorded + bufferFull + tooLarge + other };
}

/** The hook's count of records it could not make or send, checked (the status comes from the page). */
export function unrecordedOf(status: HookStatus | undefined): { count: number; reason: string } {
  const u = status?.unrecorded as { count?: unknown; reason?: unknown } | undefined;
  const count = typeof u?.count === 'number' && Number.isFinite(u.count) && u.count > 0 ? Math.floor(u.count) : 0;
  return { count, reason: count && typeof u?.reason === 'string' ? textOf(u.reason) : '' };
}

/** "3 lost: 2 page buffer full, 1 too large" (empty when nothing was lost). */
export function lossText(l: Losses): string {
  if (l.total === 0) return '';
  const parts: string[] = [];
  if (l.notRecorded) parts.push(`${formatCount(l.notRecorded)} not recorded by the hook`);
  if (l.bufferFull) parts.push(`${formatCount(l.bufferFull)} page buffer full`);
  if (l.tooLarge) parts.push(`${formatCount(l.tooLarge)} too large to send`);
  if (l.other) parts.push(`${formatCount(l.other)} missing`);
  return `${formatCount(l.total)} lost: ${parts.join(', ')}`;
}

export function captureStatus(store: TabStore, bus: BusModel, now: number): CaptureStatus {
  const live = store.liveDocs();
  const frames: FrameSummary[] = live.map((d) => ({
    docId: d.frame.docId, url: d.frame.url, top: d.frame.top,
    // The status record comes from the page: only a string is shown as the bus state.
    bus: typeof d.status?.cxbus === 'string' ? d.status.cxbus : 'unknown',
    quickBus: d.status?.quickBus === true,
    plugins: Array.isArray(d.status?.plugins) ? d.status!.plugins.map((p) => textOf(p)) : [],
    problems: Array.isArray(d.status?.problems) ? d.status!.problems.map((p) => textOf(p)) : [],
    dropped: d.dropped, lost: d.lost, busRows: bus.busRowsOf(d.frame.docId),
    unrecorded: unrecordedOf(d.status).count, unrecordedReason: unrecordedOf(d.status).reason,
    ...(d.frame.contested ? { contested: textOf(d.frame.contested) } : {}),
  }));
  let dropped = 0;
  let lost = 0;
  const losses: Losses = { notRecorded: 0, bufferFull: 0, tooLarge: 0, other: 0, total: 0 };
  for (const d of store.docs.values()) {
    dropped += d.dropped;
    lost += d.lost;
    const l = lossesOf(d);
    losses.notRecorded += l.notRecorded;
    losses.bufferFull += l.bufferFull;
    losses.tooLarge += l.tooLarge;
    losses.other += l.other;
    losses.total += l.total;
  }
  // Page-made records past their budget: those the relay did not keep, and those this panel let go.
  let pageMadeDropped = store.pageMadeDropped;
  for (const d of store.docs.values()) pageMadeDropped += d.pageMadeDropped ?? 0;
  const base = {
    frames, dropped, lost, losses,
    pageMade: store.pageMadeCount, pageMadeDropped, malformed: store.malformedCount,
    untrusted: untrustedText(store.pageMadeCount, pageMadeDropped, store.malformedCount),
    contested: contestedText(frames),
  };
  if (store.connection === 'reconnecting') {
    const why = store.connectionDetail ? ` (${store.connectionDetail})` : '';
    return { ...base, state: 'reconnecting', message: `Reconnecting to the CX Lens service worker${why}…` };
  }
  if (store.connection === 'connecting' || (live.length === 0 && now - store.connectionSince < NO_PAGE_AFTER_MS)) {
    return { ...base, state: 'connecting', message: 'Connecting to the CX Lens service worker…' };
  }
  if (live.length === 0) {
    return {
      ...base, state: 'no-page',
      message: 'No CX Lens content script answered in this tab: the page loaded before CX Lens was installed or updated, or it is a browser page (chrome://, the Web Store). Reload the page.',
    };
  }
  const withBus = frames.filter((f) => f.bus === 'tapped');
  const c = bus.counts;
  if (withBus.length === 0 && c.event + c.command + c.plugin === 0) {
    const untappable = frames.filter((f) => f.bus === 'untappable');
    const reported = frames.filter((f) => f.bus !== 'unknown').length;
    const message = untappable.length
      ? `A CXBus was found but could not be tapped (${untappable.map((f) => hostOf(f.url)).join(', ')}): ${untappable.flatMap((f) => f.problems).join('; ') || 'see frames'}.`
      : reported === 0
        ? `Content script running in ${plural(frames.length, 'frame')}, but the page hook has not reported yet.`
        : `Hook running in ${plural(frames.length, 'frame')}; no CXBus on this page yet (it is tapped as soon as it appears).`;
    return { ...base, state: 'no-bus', message };
  }
  const capturing = frames.filter((f) => f.bus === 'tapped' || f.busRows > 0 || f.unrecorded > 0);
  // A frame whose hook could not record everything is never shown as captured whole.
  const where = capturing.length
    ? capturing.map((f) => `${f.top ? 'top frame' : 'iframe'} ${hostOf(f.url)}${f.unrecorded ? ` (partial: ${partialText(f)})` : ''}`).join(', ')
    : 'this page'; // only frames that are gone sent bus traffic
  const counts = [plural(c.event, 'event'), plural(c.command, 'command'), plural(c.plugin, 'registration')];
  if (c.other) counts.push(plural(c.other, 'other record'));
  return { ...base, state: 'capturing', message: `Capturing CXBus in ${where} · ${counts.join(', ')}` };
}

/** "3 records not recorded (recording an event: TypeError: …)": why a frame's capture is partial. */
export function partialText(f: Pick<FrameSummary, 'unrecorded' | 'unrecordedReason'>): string {
  return `${plural(f.unrecorded, 'record')} not recorded${f.unrecordedReason ? ` (${f.unrecordedReason})` : ''}`;
}

/** "12 page-made records (not from CX Lens's hook: used for no verdict; 2 not kept past their
 *  budget) · 3 malformed records". */
export function untrustedText(pageMade: number, pageMadeDropped: number, malformed: number): string {
  const parts: string[] = [];
  if (pageMade) {
    const dropped = pageMadeDropped ? `; ${formatCount(pageMadeDropped)} not kept past their budget` : '';
    parts.push(`${plural(pageMade, 'page-made record')} (not from CX Lens's hook: used for no verdict${dropped})`);
  }
  if (malformed) parts.push(`${plural(malformed, 'malformed record')}`);
  return parts.join(' · ');
}

/** "capture contested in iframe shop.example (a same-origin parent page could reach …): its
 *  records are shown as page-made". */
export function contestedText(frames: readonly FrameSummary[]): string {
  const contested = frames.filter((f) => f.contested);
  if (!contested.length) return '';
  const where = contested.map((f) => `${f.top ? 'top frame' : 'iframe'} ${hostOf(f.url)} (${f.contested})`).join('; ');
  return `capture contested in ${where}: its records are shown as page-made and used for no verdict`;
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return u.host || u.protocol;
  } catch {
    return url || '(unknown frame)';
  }
}
