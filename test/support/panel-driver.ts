// Reads and drives the CX Lens panel frame through its stable test attributes.
import type { Frame, Page } from 'puppeteer-core';
import { openLensPanel, openPage, waitFor, type Lens } from './harness';

export interface PanelTab {
  page: Page;
  devtools: Page;
  panel: Frame;
}

/** Opens `url` in a new tab with DevTools, then the CX Lens panel on the view whose tab button is
 *  `tab-<view>`, and waits until `readySelector` shows in it. */
export async function openPanelOn(lens: Lens, url: string, view: string, readySelector: string): Promise<PanelTab> {
  const { page, devtools } = await openPage(lens.browser, url);
  const panel = await openLensPanel(devtools);
  await panel.$eval(`[data-testid="tab-${view}"]`, (el) => (el as HTMLElement).click());
  await panel.waitForSelector(readySelector);
  return { page, devtools, panel };
}

export interface BusRowView {
  kind: string;
  name: string;
  outcome: string | null;
  truncated: string | null;
  stale: string | null;
}

/** Rows in the list (the model's count) matching the filter, and all rows. */
export async function rowCounts(panel: Frame): Promise<{ count: number; total: number }> {
  return panel.$eval('[data-testid="row-count"]', (el) => ({ count: Number(el.getAttribute('data-count')), total: Number(el.getAttribute('data-total')) }));
}

export async function setFilter(panel: Frame, text: string): Promise<void> {
  await panel.$eval('[data-testid="filter"]', (el, t) => {
    const input = el as HTMLInputElement;
    input.value = t;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}

/** The rendered bus rows, top to bottom (the list is virtualized: only visible rows exist). */
export async function visibleRows(panel: Frame): Promise<BusRowView[]> {
  return panel.$$eval('[data-testid="bus-row"]', (els) => els
    .map((el) => ({ el, top: el.getBoundingClientRect().top }))
    .sort((a, b) => a.top - b.top)
    .map(({ el }) => ({
      kind: el.getAttribute('data-kind')!, name: el.getAttribute('data-name')!, outcome: el.getAttribute('data-outcome'),
      truncated: el.getAttribute('data-truncated'), stale: el.getAttribute('data-stale'),
    })));
}

/** Filters the list by `filter` and waits until a row satisfies `match`; returns it. */
export async function findRow(panel: Frame, filter: string, match: (row: BusRowView) => boolean, what = filter, timeoutMs = 15_000): Promise<BusRowView> {
  await setFilter(panel, filter);
  return waitFor(async () => (await visibleRows(panel)).find(match), what, timeoutMs);
}

/** Waits until the list has `expected` rows for `filter` (the whole filtered count, not only the visible ones). */
export async function waitForCount(panel: Frame, filter: string, expected: number, timeoutMs = 20_000): Promise<number> {
  await setFilter(panel, filter);
  let last = -1;
  await waitFor(async () => (last = (await rowCounts(panel)).count) === expected, `${expected} rows for "${filter}"`, timeoutMs).catch((e: Error) => { throw new Error(`${e.message} (last count ${last})`); });
  return last;
}

export async function detailText(panel: Frame): Promise<string> {
  return panel.$eval('[data-testid="detail"]', (el) => (el as HTMLElement).innerText);
}

export async function captureStatus(panel: Frame): Promise<{ state: string; text: string }> {
  return panel.$eval('[data-testid="capture-status"]', (el) => ({ state: el.getAttribute('data-state') ?? '', text: (el as HTMLElement).innerText }));
}
