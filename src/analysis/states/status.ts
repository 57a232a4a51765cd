// Plain helpers of the States view (no Preact, no chrome.*; unit-tested): the reaction cell's
// text and the problem list.
import type { Reaction, ResponseSummary, Timeline } from './timeline';
import { formatDuration } from '../text/summary';

/** The reaction cell's text. */
export function reactionText(reaction: Reaction): string {
  switch (reaction.kind) {
    case 'inject':
    case 'end': {
      const after = reaction.afterMs === undefined ? '' : ` after ${formatDuration(reaction.afterMs)}`;
      const by = reaction.commander ? ` (${reaction.commander})` : '';
      const outcome = reaction.outcome && reaction.outcome !== 'resolved' ? ` · ${reaction.outcome}` : '';
      return `${reaction.command ?? reaction.kind}${after}${by}${outcome}`;
    }
    case 'none':
      return '⚠ no reaction: the page neither injected a message nor ended the chat';
    case 'pending':
      return 'waiting for the page to react…';
  }
}

/** One line of the problem list. */
export interface ProblemItem {
  key: string;
  code: string;
  time: number;
  source: string;
  title: string;
  detail: string[];
  url?: string;
}

/** Malformed responses (with their own problems folded in), then every other problem, by time.
 *  One pass over the problems (a response can carry hundreds of thousands). */
export function problemItems(timeline: Timeline): ProblemItem[] {
  const responseKey = (url: string, seenAt: number) => `${seenAt}\n${url}`;
  const malformed = new Map<string, { response: ResponseSummary & { malformed: string }; detail: string[] }>();
  for (const r of timeline.responses) {
    if (r.malformed === null) continue;
    const key = responseKey(r.url, r.seenAt);
    if (!malformed.has(key)) malformed.set(key, { response: r as ResponseSummary & { malformed: string }, detail: [] });
  }
  const others: ProblemItem[] = [];
  timeline.problems.forEach((p, i) => {
    const of = p.source === 'network' && p.url !== undefined ? malformed.get(responseKey(p.url, p.seenAt)) : undefined;
    if (of) {
      if (p.message !== of.response.malformed) of.detail.push(p.message);
      return;
    }
    const item: ProblemItem = { key: `problem-${i}-${p.seenAt}`, code: p.code, time: p.seenAt, source: p.source, title: p.message, detail: [] };
    if (p.url) item.url = p.url;
    others.push(item);
  });
  const items: ProblemItem[] = [];
  let n = 0;
  for (const r of timeline.responses) {
    if (r.malformed === null) continue;
    const i = n++;
    const of = malformed.get(responseKey(r.url, r.seenAt))!;
    items.push({
      key: `response-${i}-${r.seenAt}`,
      code: 'malformed-response',
      time: r.seenAt,
      source: 'network',
      title: `Malformed chat API response: ${r.malformed}`,
      // Two responses of one URL and time share their problems, as they did.
      detail: of.response === r ? of.detail : of.detail.slice(),
      url: r.url,
    });
  }
  for (const item of others) items.push(item);
  return items.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}
