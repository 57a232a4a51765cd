// Plain helpers of the States view (no Preact, no chrome.*; unit-tested): the reaction cell's
// text and the problem list.
import type { ParseProblem } from '../../shared/interaction-states';
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

/** Malformed responses (with their own problems folded in), then every other problem, by time. */
export function problemItems(timeline: Timeline): ProblemItem[] {
  const malformed = timeline.responses.filter((r): r is ResponseSummary & { malformed: string } => r.malformed !== null);
  const ofResponse = (p: ParseProblem, r: ResponseSummary) => p.source === 'network' && p.url === r.url && p.seenAt === r.seenAt;
  const items: ProblemItem[] = malformed.map((r, i) => ({
    key: `response-${i}-${r.seenAt}`,
    code: 'malformed-response',
    time: r.seenAt,
    source: 'network',
    title: `Malformed chat API response: ${r.malformed}`,
    detail: timeline.problems.filter((p) => ofResponse(p, r) && p.message !== r.malformed).map((p) => p.message),
    url: r.url,
  }));
  timeline.problems.forEach((p, i) => {
    if (malformed.some((r) => ofResponse(p, r))) return;
    const item: ProblemItem = { key: `problem-${i}-${p.seenAt}`, code: p.code, time: p.seenAt, source: p.source, title: p.message, detail: [] };
    if (p.url) item.url = p.url;
    items.push(item);
  });
  return items.sort((a, b) => a.time - b.time);
}

