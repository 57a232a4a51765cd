// The Findings tab's live state: the findings of the tab's models, recomputed when the store
// changed (at most every MIN_INTERVAL_MS) or when time alone may change them (a command still
// pending, a reaction window closing), each keeping the first time it was ever seen. On a big log
// it recomputes less often, so that computing takes at most a tenth of the time.
import type { TabModels } from '../store/tab-models';
import type { Finding, Severity } from './types';
import { runRules, sortFindings, type RuleFailure, type RulesResult } from './engine';

/** Recompute at most this often while records stream in. */
export const MIN_INTERVAL_MS = 250;
/** Recompute at least this often, for rules that depend on the clock. */
export const CLOCK_INTERVAL_MS = 1000;
/** Keys whose first sighting is remembered after they went away (the oldest are forgotten). */
const REMEMBERED_KEYS = 5000;

export type SeverityCounts = Record<Severity, number>;

export interface FindingsModelOptions {
  /** The computation; the rule engine by default (tests pass their own to count calls): the
   *  findings, or the findings and the rules that failed. */
  compute?: (models: TabModels, now: number) => Finding[] | RulesResult;
  minIntervalMs?: number;
  clockIntervalMs?: number;
  /** Measures what a computation costs (ms); performance.now by default. */
  timer?: () => number;
}

/** A computation may take at most this share of the time (a big log computes less often). */
const MAX_SHARE = 0.1;

export class FindingsModel {
  /** Bumped when the list `current` returns changed (a finding came, went, or was seen again). */
  version = 0;
  private findings: Finding[] = [];
  /** The rules that failed in the last computation: what they check is unknown. */
  private failedRules: RuleFailure[] = [];
  private signature = '';
  private computedAt = -Infinity;
  private computedVersion = -1;
  private epoch: number;
  /** First sighting per key, across recomputations (a finding that goes and comes back keeps it). */
  private readonly firstSeen = new Map<string, number>();
  private readonly compute: (models: TabModels, now: number) => Finding[] | RulesResult;
  private readonly minInterval: number;
  private readonly clockInterval: number;
  private readonly timer: () => number;
  /** What the last computation cost (ms). */
  private cost = 0;

  constructor(private readonly models: TabModels, options: FindingsModelOptions = {}) {
    this.compute = options.compute ?? runRules;
    this.minInterval = options.minIntervalMs ?? MIN_INTERVAL_MS;
    this.clockInterval = options.clockIntervalMs ?? CLOCK_INTERVAL_MS;
    this.timer = options.timer ?? (() => performance.now());
    this.epoch = models.store.epoch;
  }

  /** The findings at `now` (ms epoch), most severe first, without duplicates. Cheap to call on
   *  every render: it recomputes only when something may have changed. */
  current(now: number): Finding[] {
    const { store } = this.models;
    this.followEpoch();
    const changed = store.version !== this.computedVersion;
    const since = now - this.computedAt;
    const spacing = this.cost / MAX_SHARE;
    if ((changed && since >= Math.max(this.minInterval, spacing)) || since >= Math.max(this.clockInterval, 2 * spacing) || since < 0) this.recompute(now);
    return this.findings;
  }

  /** Recomputes now, whatever the throttle says (a user action, a test). */
  refresh(now: number): Finding[] {
    this.recompute(now);
    return this.findings;
  }

  /** The rules that failed when the findings `current(now)` returns were computed (empty when every
   *  rule ran): the list is then incomplete, and must not read as "nothing is wrong". */
  failed(now: number): RuleFailure[] {
    this.current(now);
    return this.failedRules;
  }

  /** Counts by severity of the findings `current(now)` returns. */
  counts(now: number): SeverityCounts {
    const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
    for (const f of this.current(now)) counts[f.severity]++;
    return counts;
  }

  /** The log was emptied (clear, navigation): what was seen before is gone. */
  private followEpoch(): void {
    if (this.models.store.epoch === this.epoch) return;
    this.epoch = this.models.store.epoch;
    this.firstSeen.clear();
    this.computedAt = -Infinity;
  }

  private recompute(now: number): void {
    this.followEpoch();
    const started = this.timer();
    const result = this.compute(this.models, now);
    const found = Array.isArray(result) ? result : result.findings;
    const failed = Array.isArray(result) ? [] : result.failed;
    this.cost = Math.max(0, this.timer() - started);
    const byKey = new Map<string, Finding>();
    for (const f of found) {
      if (byKey.has(f.key)) continue;
      const first = this.firstSeen.get(f.key);
      if (first === undefined || f.firstSeen < first) this.remember(f.key, f.firstSeen);
      byKey.set(f.key, first !== undefined && first < f.firstSeen ? { ...f, firstSeen: first } : f);
    }
    const findings = sortFindings([...byKey.values()]);
    const signature = findings.map((f) => `${f.key}\u0000${f.severity}\u0000${f.lastSeen}\u0000${f.evidence.length}\u0000${f.title}`).join('\u0001') +
      failed.map((f) => `\u0002${f.rule}\u0000${f.error}`).join('');
    if (signature !== this.signature) {
      this.signature = signature;
      this.findings = findings;
      this.failedRules = failed;
      this.version++;
    }
    this.computedAt = now;
    this.computedVersion = this.models.store.version;
  }

  private remember(key: string, time: number): void {
    this.firstSeen.delete(key);
    this.firstSeen.set(key, time);
    if (this.firstSeen.size > REMEMBERED_KEYS) this.firstSeen.delete(this.firstSeen.keys().next().value as string);
  }
}
