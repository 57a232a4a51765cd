// The Cookie sync tab's picture: the channel as a sequence diagram (layout in sequence-model.ts).
// Lanes' headers stay in view while the arrows scroll; every arrow has a tooltip and opens its row
// of the channel log (a lane named by a violation opens that violation). Page data renders as text.
import { useContext, useId, useMemo } from 'preact/hooks';
import type { Reveal } from '../../src/analysis/reveal';
import { RevealContext } from '../hooks/reveal';
import { ArrowheadMarkers, RevealMark, useMarkCaption, useWidth } from '../components/picture';
import type { CookieSync } from '../../src/analysis/cookies/cookie-sync';
import { HEADER_H, layoutSequence, type SeqArrow } from '../../src/analysis/cookies/sequence-model';
import './CookieSequence.css';

/** Characters of an origin that fit under a lane's header at the lane gap. */
const CHAR_PX = 6.2;

export function CookieSequence({ sync }: { sync: CookieSync }) {
  const reveal = useContext(RevealContext);
  const [ref, width] = useWidth<HTMLElement>();
  const layout = useMemo(() => layoutSequence({
    log: sync.log, violations: sync.violations, pageOrigin: sync.facts.pageOrigin, iframeOrigin: originOf(sync.iframeUrl),
    width: width - 2, gaps: sync.gaps, dropped: sync.logDropped,
  }), [sync, width]);
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const { handlers, caption } = useMarkCaption();
  if (sync.log.length === 0) return <div ref={ref} />;
  const laneGap = layout.lanes.length > 1 ? layout.lanes[1]!.x - layout.lanes[0]!.x : layout.width;
  return (
    <section {...handlers} class="cookie-sequence" data-testid="cookie-sequence" aria-label="Channel sequence diagram" data-total={layout.total} data-drawn={layout.drawn} ref={ref}>
      <h3>Channel sequence</h3>
      <div class="seq-scroll">
        <svg class="seq-head" width={layout.width} height={HEADER_H} role="group" aria-label="Lanes: the page, the cookie iframe and other origins">
          {layout.lanes.map((lane) => {
            const body = (
              <>
                <text class="seq-role" x={lane.x} y={14} text-anchor="middle">{lane.label}</text>
                <text class="seq-origin" x={lane.x} y={29} text-anchor="middle">{clip(lane.origin, Math.floor((laneGap - 8) / CHAR_PX))}</text>
              </>
            );
            const attrs = { 'data-testid': 'seq-lane', 'data-role': lane.role, 'data-origin': lane.origin, 'data-tone': lane.tone, class: `seq-lane tone-${lane.tone}` };
            return lane.reveal
              ? <RevealMark key={lane.key} target={lane.reveal} reveal={reveal} title={lane.title} attrs={attrs}>{body}</RevealMark>
              : <g key={lane.key} {...attrs}><title>{lane.title}</title>{body}</g>;
          })}
        </svg>
        <div class="seq-body">
          <svg width={layout.width} height={layout.height} role="group" aria-label="Messages between the page, the cookie iframe and other origins">
            <ArrowheadMarkers prefix={`${id}-seq`} tones={['normal', 'muted', 'error']} />
            {layout.lanes.map((lane) => (
              <line key={lane.key} class={`lifeline tone-${lane.tone}`} x1={lane.x} x2={lane.x} y1={0} y2={layout.height} />
            ))}
            {layout.arrows.map((a) => <Arrow key={a.key} arrow={a} marker={`url(#${id}-seq-${a.tone})`} reveal={reveal} />)}
          </svg>
        </div>
      </div>
      {caption}
      {layout.note && <p class="seq-note" data-testid="sequence-note">{layout.note}</p>}
    </section>
  );
}

function Arrow({ arrow: a, marker, reveal }: { arrow: SeqArrow; marker: string; reveal: Reveal }) {
  const right = a.x2 >= a.x1;
  const shape = a.self
    ? <path d={`M${a.x1},${a.y - 5} h24 v10 h-22`} marker-end={marker} />
    : <line x1={a.x1 + (right ? 3 : -3)} x2={a.x2 + (right ? -3 : 3)} y1={a.y} y2={a.y} marker-end={marker} />;
  const label = a.self
    ? <text x={a.x1 + 30} y={a.y + 3.5}>{a.label}</text>
    : <text x={(a.x1 + a.x2) / 2} y={a.y - 4} text-anchor="middle">{a.label}</text>;
  const left = Math.min(a.x1, a.x2);
  const body = (
    <>
      <text class="seq-time" x={4} y={a.y + 3.5}>{a.timeLabel}</text>
      {shape}
      {label}
      <rect class="hit" x={left} y={a.y - 10} width={a.self ? 30 : Math.abs(a.x2 - a.x1)} height={18} />
    </>
  );
  const attrs = {
    'data-testid': 'seq-arrow', 'data-type': a.type, 'data-tone': a.tone, 'data-from': a.from, 'data-to': a.to, 'data-count': a.count,
    'data-aggregate': a.aggregate ? 'true' : undefined, 'data-latency-ms': a.latencyMs ?? undefined,
    class: `seq-arrow tone-${a.tone}${a.self ? ' self' : ''}${a.aggregate ? ' aggregate' : ''}`,
  };
  return a.reveal
    ? <RevealMark target={a.reveal} reveal={reveal} title={a.title} attrs={attrs}>{body}</RevealMark>
    : <g {...attrs}><title>{a.title}</title>{body}</g>;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

function originOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
