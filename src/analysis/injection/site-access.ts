// Site access as the panel sees it: the worker's last `sites` report (the site list, the watched
// tab's access, the last note), what the banner and the sites list say, and the way site messages
// go to the worker. No Preact, no extension API: the views read it, tests drive it.
import type { PanelToWorker, SiteNote } from '../../shared/protocol';
import { capturedOrigins, type FrameAccess, type SiteList, type TabAccess } from '../../shared/site-access';
import type { SitesReport } from '../store/tab-store';
import { formatClock } from '../text/summary';

export type SiteCommand = Extract<PanelToWorker, { type: 'site' | 'site-all' | 'site-start-now' | 'sites-get' }>;

const FEATURE_NAME: Record<string, string> = { finalize: 'the finalize handler', 'cookie-provider': 'the cookie provider' };

export class SiteAccessModel {
  /** null until the worker's first report (a file's models never get one). */
  list: SiteList | null = null;
  tab: TabAccess | null = null;
  note: SiteNote | null = null;
  private sender: (message: SiteCommand) => boolean = () => false;

  report(message: SitesReport): void {
    this.list = message.list;
    if (message.tab) this.tab = message.tab;
    this.note = message.note ?? null;
  }

  connectSender(send: (message: SiteCommand) => boolean): void {
    this.sender = send;
  }

  send(message: SiteCommand): boolean {
    return this.sender(message);
  }

  /** The tab's page is not captured (and could be): the banner offers to switch its site on. */
  get offer(): string | null {
    const tab = this.tab;
    return tab && tab.origin !== null && !tab.capturing ? tab.origin : null;
  }

  /** Frames of the tab that are not captured yet, each with why. */
  get pendingFrames(): { origin: string; why: string }[] {
    return (this.tab?.frames ?? []).filter((f) => f.state !== 'captured').map((f) => ({ origin: f.origin, why: frameWhy(f) }));
  }

  /** What the note says, or null. */
  noteText(): string | null {
    const note = this.note;
    if (!note) return null;
    switch (note.kind) {
      case 'by-feature':
        return `Switching on ${FEATURE_NAME[note.feature] ?? note.feature} switched capture on for ${note.origin} too: its reports travel through CX Lens's page scripts. Capture started without a reload: events before it are missing.`;
      case 'started-now':
        return `Capture started at ${formatClock(note.at)} without a reload (${note.frames} ${note.frames === 1 ? 'frame' : 'frames'}): events before then are missing, and these frames' records count as page-made, since the page ran first. Reload to capture from the first event.`;
      case 'failed':
        return `Site access failed: ${note.message}`;
    }
  }

  /** The sites list's rows: each site with the frame origins it brought in. */
  get sites(): { origin: string; frames: string[] }[] {
    return Object.entries(this.list?.sites ?? {}).map(([origin, frames]) => ({ origin, frames })).sort((a, b) => a.origin.localeCompare(b.origin));
  }

  /** How many origins are captured (sites and their frames). */
  get capturedCount(): number {
    return this.list ? capturedOrigins(this.list).length : 0;
  }
}

function frameWhy(frame: FrameAccess): string {
  return frame.state === 'next-load'
    ? 'its document started before CX Lens captured its origin: captured from its next load (reload the page)'
    : 'its origin is not switched on';
}
