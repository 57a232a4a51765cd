// The States tab's pictures: one SVG timeline chart per chat session (layout in chart-model.ts).
// Every mark has a tooltip and opens its row in the timeline below; page data renders as text.
import { useContext, useId, useMemo } from 'preact/hooks';
import type { TabModels } from '../../src/analysis/store/tab-models';
import type { Reveal } from '../../src/analysis/reveal';
import { RevealContext } from '../hooks/reveal';
import { findingsModelOf } from '../hooks/use-findings';
import type { Finding } from '../../src/analysis/findings/types';
import { ArrowheadMarkers, RevealMark as Mark, useMarkCaption, useWidth } from '../components/picture';
import { CHART_HEIGHT, LANE_Y, layoutChart, type ChartLayout } from '../../src/analysis/states/chart-model';
import type { SessionTimeline, Timeline } from '../../src/analysis/states/timeline';
import './StatesChart.css';

interface Props {
  timeline: Timeline;
  models: TabModels;
  now: number;
}

export function StatesCharts({ timeline, models, now }: Props) {
  // The tab's findings, as the Findings tab has them (one throttled model per models, cheap to ask
  // every render); the charts are laid out again only when the marked ones change.
  const findings = statesFindings(models, now);
  const marked = useMemo(() => findings, [findings.map((f) => f.key).join('\n')]);
  const [ref, width] = useWidth<HTMLDivElement>();
  if (timeline.sessions.length === 0) return null;
  return (
    <div class="states-charts" ref={ref}>
      {timeline.sessions.map((session) => (
        <StatesChart key={session.sessionId ?? '(unknown)'} session={session} findings={marked} width={width} now={now} />
      ))}
    </div>
  );
}

/** Findings with evidence in the States tab. A rule that throws must not take the picture down. */
function statesFindings(models: TabModels, now: number): Finding[] {
  try {
    return findingsModelOf(models).current(now).filter((f) => f.evidence.some((e) => e.tab === 'states'));
  } catch {
    return [];
  }
}

interface ChartProps {
  session: SessionTimeline;
  findings: readonly Finding[];
  width: number;
  now: number;
}

export function StatesChart({ session, findings, width, now }: ChartProps) {
  const reveal = useContext(RevealContext);
  const layout = useMemo(() => layoutChart({ session, findings, width: width - 2, now }), [session, findings, width]); // a pending reaction rebuilds the session each second
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const { handlers, caption } = useMarkCaption();
  return (
    <figure {...handlers} class="states-chart" data-testid="states-chart" data-session={session.sessionId ?? ''} data-total={layout.total} data-drawn={layout.drawn}>
      <div class="chart-scroll">
        <svg
          width={layout.width} height={CHART_HEIGHT} viewBox={`0 0 ${layout.width} ${CHART_HEIGHT}`} role="group"
          aria-label={`Timeline of chat session ${session.sessionId ?? '(not known yet)'}`}
        >
          <ArrowheadMarkers prefix={`${id}-arrow`} tones={['ok', 'warn', 'pending']} />
          <Bands layout={layout} reveal={reveal} />
          <Axis layout={layout} />
          <LaneLabels />
          {layout.bins.map((b) => (
            <rect key={b.key} class={`bin tone-${b.tone}`} data-testid="chart-bin" data-lane={b.lane} data-count={b.count} x={b.x} y={b.y} width={b.width} height={b.height}>
              <title>{b.title}</title>
            </rect>
          ))}
          {layout.messages.map((m) => (
            <Mark key={`m-${m.key}`} target={{ tab: 'states', key: m.reveal }} reveal={reveal} title={m.title}
              attrs={{ 'data-testid': 'chart-message', 'data-from': m.from, 'data-key': m.key, class: `mark msg from-${m.from}${m.flagged ? ' flagged' : ''}` }}>
              <line x1={m.x} x2={m.x} y1={m.y - 6} y2={m.y + 6} />
              <rect class="hit" x={m.x - 3} y={m.y - 7} width={6} height={14} />
            </Mark>
          ))}
          {layout.reactions.map((r) => (
            <Mark key={`r-${r.key}`} target={{ tab: 'states', key: r.reveal }} reveal={reveal} title={r.title}
              attrs={{ 'data-testid': 'chart-reaction', 'data-reaction': r.kind, 'data-latency-ms': r.latencyMs ?? undefined, 'data-key': r.key, class: `mark reaction tone-${r.tone}` }}>
              <line x1={r.x1} x2={r.x2} y1={r.y} y2={r.y} marker-end={`url(#${id}-arrow-${r.tone})`} />
              <line class="from-state" x1={r.x1} x2={r.x1} y1={LANE_Y.states + 6} y2={r.y} />
              <text x={r.labelX} y={r.y + 3.5}>{r.label}</text>
              <rect class="hit" x={r.x1} y={r.y - 6} width={r.x2 - r.x1 + 4} height={12} />
            </Mark>
          ))}
          {layout.states.map((s) => (
            <Mark key={`s-${s.key}`} target={{ tab: 'states', key: s.reveal }} reveal={reveal} title={s.title}
              attrs={{ 'data-testid': 'chart-state', 'data-state': s.state, 'data-key': s.key, class: `mark state tone-${s.tone}${s.synthetic ? ' synthetic' : ''}` }}>
              <path d={`M${s.x},${s.y - 6} L${s.x + 6},${s.y} L${s.x},${s.y + 6} L${s.x - 6},${s.y} z`} />
              {s.label && <text x={s.x + 9} y={s.y + 3.5}>{s.label}</text>}
            </Mark>
          ))}
          {layout.findings.map((f) => (
            <Mark key={`f-${f.key}`} target={f.reveal} reveal={reveal} title={f.title}
              attrs={{ 'data-testid': 'chart-finding', 'data-rule': f.rule, 'data-severity': f.severity, class: `mark finding sev-${f.severity}` }}>
              <path d={`M${f.x},${f.y + 5} L${f.x + 6},${f.y - 6} L${f.x - 6},${f.y - 6} z`} />
              <text class="bang" x={f.x} y={f.y - 1.5}>!</text>
            </Mark>
          ))}
          {layout.note && <text class="chart-note" data-testid="chart-note" x={layout.plot.left} y={LANE_Y.note}>{layout.note}</text>}
        </svg>
      </div>
      {caption}
    </figure>
  );
}

function Bands({ layout, reveal }: { layout: ChartLayout; reveal: Reveal }) {
  const height = LANE_Y.agent + 10 - LANE_Y.plotTop;
  return (
    <g class="bands">
      {layout.bands.map((b) => {
        const body = (
          <>
            <rect x={b.x} y={LANE_Y.plotTop} width={b.width} height={height} />
            {b.width > b.label.length * 6.5 + 12 && <text x={b.x + 9} y={LANE_Y.plotTop + 10}>{b.label}</text>}
          </>
        );
        const attrs = { 'data-testid': 'chart-segment', 'data-key': b.key, class: `band${b.odd ? ' odd' : ''}${b.flagged ? ' flagged' : ''}` };
        return b.reveal
          ? <Mark key={b.key} target={{ tab: 'states', key: b.reveal }} reveal={reveal} title={b.title} attrs={attrs}>{body}</Mark>
          : <g key={b.key} {...attrs}><title>{b.title}</title>{body}</g>;
      })}
    </g>
  );
}

function Axis({ layout }: { layout: ChartLayout }) {
  return (
    <g class="axis">
      <line class="axis-line" x1={layout.plot.left} x2={layout.plot.right} y1={LANE_Y.plotTop} y2={LANE_Y.plotTop} />
      {layout.ticks.map((t) => (
        <g key={t.time} data-testid="chart-tick">
          <line class="grid" x1={t.x} x2={t.x} y1={LANE_Y.plotTop - 3} y2={LANE_Y.agent + 10} />
          <text x={t.x} y={LANE_Y.axis} text-anchor="middle">{t.label}</text>
        </g>
      ))}
    </g>
  );
}

function LaneLabels() {
  const lanes: [string, number][] = [['findings', LANE_Y.findings], ['states', LANE_Y.states], ['reactions', LANE_Y.reactions], ['customer', LANE_Y.customer], ['agent', LANE_Y.agent]];
  return (
    <g class="lane-labels">
      {lanes.map(([label, y]) => <text key={label} x={4} y={y + 3.5}>{label}</text>)}
    </g>
  );
}
