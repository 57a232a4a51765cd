// Opening a row of another tab, selected: a finding's evidence and a picture's marks link to the
// row they came from. The App provides the function (panel/hooks/reveal.ts); each tab view selects
// the row it is asked for.

export type RevealTab = 'bus' | 'states' | 'cookies';

/** A row of one tab. key: the Bus row's `key` (as a string), the States row's `key`, the Cookie
 *  sync log entry's `key` (or a violation's key, prefixed `violation:`). */
export interface RevealTarget {
  tab: RevealTab;
  key: string;
}

export type Reveal = (target: RevealTarget) => void;
