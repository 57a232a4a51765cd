// The page buffer's size: how many records each frame's relay keeps until a panel reads them. The
// panel sets it (chrome.storage.local), every relay reads it.

/** Records a frame keeps when nothing else is set. */
export const DEFAULT_BUFFER_CAP = 5000;
/** chrome.storage.local key of the per-frame buffer cap. */
export const BUFFER_CAP_KEY = 'bufferCap';
export const MIN_BUFFER_CAP = 100;
export const MAX_BUFFER_CAP = 100_000;

/** The stored setting as a valid cap, or the fallback when it is missing or out of range. */
export function bufferCapSetting(stored: unknown, fallback: number): number {
  return typeof stored === 'number' && Number.isInteger(stored) && stored >= MIN_BUFFER_CAP && stored <= MAX_BUFFER_CAP ? stored : fallback;
}
