// What a finding is: one thing wrong with the page's chat, why it matters, where it was seen, and
// how to fix it. The panel's Findings tab and the `cx-lens report` command line share these.
import type { RevealTarget } from '../reveal';

export type Severity = 'error' | 'warning' | 'info';

export type RuleId =
  | 'no-finalize-reaction'
  | 'segment-after-finalize'
  | 'async-storage-ignored'
  | 'unknown-command'
  | 'command-rejected'
  | 'malformed-response'
  | 'poll-lock-stuck'
  | 'restore-failed'
  | 'third-party-cookies-blocked'
  | 'page-origin-untrusted'
  | 'late-load'
  | 'out-of-sync'
  | 'lookalike-entry'
  | 'untrusted-sender'
  | 'wildcard-target'
  | 'injection-failed'
  // Rules beyond the list above, each from a fact of the Widgets runtime an integrator meets.
  | 'finalize-reaction-failed'
  | 'command-cancelled'
  | 'registration-refused'
  | 'session-lost'
  | 'chat-api-error'
  | 'async-config-misplaced'
  | 'cookie-iframe-not-loaded'
  | 'invalid-trusted-entry'
  | 'capture-incomplete'
  | 'command-never-settled'
  | 'chat-disconnected'
  | (string & { readonly __rule?: never });

/** A row the finding was drawn from; the panel links to it. */
export interface Evidence extends RevealTarget {
  /** One line, secrets masked: what the row shows. */
  label: string;
  /** ms epoch (page clock) of the row. */
  time?: number;
}

export interface Fix {
  /** One or two sentences: what to change. */
  text: string;
  /** Code to paste, where one fits (the guide's handler, a corrected config). */
  snippet?: string;
  /** A panel action that tries the fix. */
  action?: { id: 'finalize-on' | 'cookie-provider-on'; label: string };
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** Stable identity of this problem: the same problem seen again keeps its key (no duplicates). */
  key: string;
  title: string;
  /** One or two sentences on why it matters. */
  why: string;
  evidence: Evidence[];
  fix: Fix;
  /** ms epoch (page clock): when the evidence was first and last seen. */
  firstSeen: number;
  lastSeen: number;
  /** The chat session it concerns, when there is one. */
  sessionId?: string | null;
  /** The page's (or the file's) strings the texts above quote: a command's name, a reason, an
   *  origin. The texts are plain; Markdown sets these apart as code, so that none becomes a link,
   *  a mention or markup. */
  quotes?: string[];
}
