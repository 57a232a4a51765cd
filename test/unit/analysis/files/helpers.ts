// What the views of a tab's models show, in comparable form, for the recording tests.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TabModels } from '../../../../src/analysis/store/tab-models';
import { buildCookieSync } from '../../../../src/analysis/cookies/cookie-sync';
import { bus } from '../fixtures';

export const REAL = resolve(import.meta.dirname, '../../../fixtures/real-widgets-9.0');
export const realText = (name: string): string => readFileSync(resolve(REAL, `${name}.json`), 'utf8');

/** The Bus list's rows: kind, name, source, summary, outcome. */
export function busRows(models: TabModels) {
  return bus(models.bus.rows).map((r) => [r.kind, r.docId, r.name, r.source, r.summary, r.outcome?.outcome ?? null]);
}

/** The States timeline: mode, and per session its segments' rows with their reactions and flags. */
export function timelineOf(models: TabModels, now: number) {
  const t = models.states.timeline(now);
  return {
    mode: t.mode,
    sessions: t.sessions.map((s) => ({
      sessionId: s.sessionId,
      flags: s.flags.map((f) => [f.segment, f.afterState]),
      segments: s.segments.map((g) => ({
        openedBy: g.openedBy,
        rows: g.rows.map((r) => r.kind === 'state'
          ? `${r.state} [${r.sourceLabel}]${r.reaction ? ` → ${r.reaction.kind} ${r.reaction.command ?? ''} ${r.reaction.outcome ?? ''}`.trimEnd() : ''}`
          : `${r.from}${r.flagged ? ' (flagged)' : ''}`),
      })),
    })),
    problems: t.problems.length,
  };
}

/** The Cookie sync view's verdict. */
export function cookieVerdict(models: TabModels, now: number) {
  const docs = [...models.store.docs.values()];
  const gone = new Set(docs.filter((d) => d.gone).map((d) => d.frame.docId));
  return buildCookieSync(models.cookies, { frames: docs.map((d) => d.frame), gone, injection: models.injection.settings['cookie-provider'], now }).verdict;
}

/** The Injection view's data. */
export function injectionOf(models: TabModels) {
  const { settings, error, records } = models.injection;
  return { settings, error: error ? { feature: error.feature, message: error.message } : null, records: records.map((r) => r.record) };
}
