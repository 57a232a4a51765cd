// Rules over the Bus rows: commands that never settle because their name does not exist,
// commands the bus rejected or a `before` hook cancelled, registrations the bus refused.
import { PENDING_WARN_MS, type BusRow } from '../../bus/bus-model';
import { clipText, textOf } from '../../text/bounded';
import { maskSecrets, maskString } from '../../text/secrets';
import { plural } from '../../text/summary';
import type { CommandRecord, PluginRecord } from '../../../shared/protocol';
import { busEvidence, finding, groupBy, outcomeOf, type FindingContext, type Rule } from '../context';
import { beforeHookSnippet, commandSnippet } from '../snippets';

/** Commands every plugin has, registered by the bus itself. */
const BUILT_IN_COMMANDS = ['COMMANDS', 'EVENTS', 'LOAD'];

/** Widgets' own plugins: their commands to each other are refused as a matter of course (a
 *  restore with no session to restore, a toaster already closed), so only the page's own
 *  commands (global CXBus, QuickBus, an extension's plugin) count as rejected. */
export const WIDGETS_PLUGINS: ReadonlySet<string> = new Set([
  'App', 'Common', 'CoBrowse', 'Watchman', 'StatsService', 'WebChat', 'WebChatService', 'RichMedia',
  'RichMediaBridge', 'Toaster', 'WindowManager', 'SideBar', 'ChannelSelector', 'Callback', 'CallbackService',
  'CallUs', 'Calendar', 'SendMessage', 'SendMessageService', 'KnowledgeCenterService', 'Search', 'Offers',
  'Overlay', 'Console', 'GWE', 'Engage', 'Cobrowse', 'ChatDeflection',
]);

/** What the bus knows is registered: plugins, and the full command names of each. */
export interface Registry {
  plugins: Set<string>;
  commands: Map<string, Set<string>>;
}

export function registryOf(rows: readonly BusRow[]): Registry {
  const plugins = new Set<string>();
  const commands = new Map<string, Set<string>>();
  for (const row of rows) {
    if (row.kind !== 'plugin') continue;
    const r = row.record as PluginRecord;
    if (r.ok === false || typeof r.plugin !== 'string') continue;
    if (r.action === 'registerPlugin') plugins.add(r.plugin);
    else if (r.action === 'registerCommand' && Array.isArray(r.names)) {
      plugins.add(r.plugin);
      let set = commands.get(r.plugin);
      if (!set) commands.set(r.plugin, (set = new Set()));
      for (const name of r.names) if (typeof name === 'string') set.add(name.includes('.') ? name : `${r.plugin}.${name}`);
    }
  }
  return { plugins, commands };
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) rows.push([i, ...new Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[s.length]![t.length]!;
}

/** Characters of a command name closestCommand compares at most. */
const TYPO_NAME_MAX = 200;

/** The registered command name closest to `name`, when one is close enough to be a typo. */
export function closestCommand(name: string, registry: Registry): string | undefined {
  // The distance costs the product of the lengths: a page's megabyte-long name is no typo.
  if (name.length > TYPO_NAME_MAX) return undefined;
  const plugin = name.slice(0, name.indexOf('.'));
  let best: { name: string; d: number } | undefined;
  for (const [owner, set] of registry.commands) {
    for (const candidate of set) {
      // Names too far apart in length cannot be within the limit: skip the work.
      if (Math.abs(candidate.length - name.length) > 3) continue;
      const d = editDistance(name, candidate) - (owner === plugin ? 0.5 : 0);
      if (!best || d < best.d) best = { name: candidate, d };
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 4));
  return best && best.d <= limit ? best.name : undefined;
}

export const unknownCommand: Rule = ({ bus, now }) => {
  const registry = registryOf(bus.plugins);
  const stuck = bus.commands.filter((row) => {
    if (outcomeOf(row) || !(now - row.time >= PENDING_WARN_MS)) return false;
    const dot = row.name.indexOf('.');
    if (dot <= 0) return false;
    const plugin = row.name.slice(0, dot);
    // Only a plugin whose registrations were seen can be said to lack the command.
    const commands = registry.commands.get(plugin);
    if (!registry.plugins.has(plugin) || !commands) return false;
    return !commands.has(row.name) && !BUILT_IN_COMMANDS.includes(row.name.slice(dot + 1));
  });
  return [...groupBy(stuck, (r) => r.name)].map(([name, rows]) => {
    const suggestion = closestCommand(name, registry);
    const plugin = name.slice(0, name.indexOf('.'));
    return finding({
      rule: 'unknown-command', severity: 'error', key: `unknown-command:${name}`,
      title: suggestion ? `${name} does not exist: did you mean ${suggestion}?` : `${name} does not exist`,
      why: `${plugin} registered no command of that name. The bus neither runs nor rejects such a call: it stays pending forever and nothing is logged.`,
      evidence: rows.map((r) => busEvidence(r, `${r.name} from ${r.source}: still pending`)),
      fix: suggestion
        ? { text: `Call ${suggestion} instead.`, snippet: commandSnippet(suggestion, (rows[0]!.record as CommandRecord).options) }
        : { text: `Call one of the commands ${plugin} registers (the Bus tab lists its registerCommand rows), or check that the plugin that owns it is loaded.` },
      quotes: [name, suggestion, plugin, ...sourcesOf(rows)],
    });
  });
};

/** The command names a registration row lists. */
const namesOf = (r: PluginRecord): string[] => (Array.isArray(r.names) ? r.names.filter((n): n is string => typeof n === 'string') : []);

/** The page's names of who sent the commands, for the Markdown to quote. */
const sourcesOf = (rows: readonly BusRow[]): string[] => [...new Set(rows.map((r) => r.source))];

/** Characters of a rejection's reason in a title. */
const REASON_MAX = 300;

/** The reason the bus gave, secrets masked (an object's secret keys, and in text: a JSON object
 *  in a message, `key=value`, headers, JWTs) before it is cut to length. */
function reasonOf(row: BusRow): string {
  const value = outcomeOf(row)?.value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (v.$cx === 'undefined') return '(no reason given)';
    if (typeof v.message === 'string') return clipText(maskString(v.message), REASON_MAX);
  }
  const masked = maskSecrets(value ?? null, { maxDepth: 8, maxNodes: 200 }).value;
  return clipText(maskString(textOf(masked)), REASON_MAX);
}

const pageCommand = (row: BusRow) => !WIDGETS_PLUGINS.has(row.source);

/** Commands the timeline took as a reaction to Finalizing/Completed: finalize-reaction-failed
 *  reports those, with the state they answered. */
function reactionCommands({ timeline }: FindingContext): Set<string> {
  const out = new Set<string>();
  for (const session of timeline.sessions) {
    for (const segment of session.segments) {
      for (const row of segment.rows) {
        if (row.kind === 'state' && row.reaction?.command && row.reaction.afterMs !== undefined) out.add(`${row.reaction.command}@${row.seenAt + row.reaction.afterMs}`);
      }
    }
  }
  return out;
}

export const commandRejected: Rule = (ctx) => {
  const reactions = reactionCommands(ctx);
  const rejected = ctx.bus.commands.filter((r) => outcomeOf(r)?.outcome === 'rejected' && pageCommand(r) && !reactions.has(`${r.name}@${r.time}`));
  return [...groupBy(rejected, (r) => `${r.name}\n${reasonOf(r)}`)].map(([key, rows]) => {
    const reason = reasonOf(rows[0]!);
    const name = rows[0]!.name;
    // "Already open", "already hidden": the page asked for the state the widget is in; worth knowing only.
    const harmless = /\balready\b/i.test(reason);
    return finding({
      rule: 'command-rejected', severity: harmless ? 'info' : 'warning', key: `command-rejected:${key}`,
      title: `${name} was rejected: ${reason}`,
      why: `The bus refused ${plural(rows.length, 'call')} of ${name} from ${[...new Set(rows.map((r) => r.source))].join(', ')}; what the page meant to do did not happen.`,
      evidence: rows.map((r) => busEvidence(r, `${r.name} from ${r.source}: rejected, ${reason}`)),
      fix: { text: rejectionFix(reason, name) },
      quotes: [name, reason, ...sourcesOf(rows)],
    });
  });
};

function rejectionFix(reason: string, name: string): string {
  if (/could not load plugin file/i.test(reason)) {
    return `The plugin that owns ${name} is not loaded and its file was not found: check the bus's pluginsPath, or load the plugin before calling it.`;
  }
  if (/already/i.test(reason)) return 'The command asks for a state the widget is already in: check its state first (or ignore this).';
  if (/no (active )?chat|no chat session/i.test(reason)) return `${name} needs an active chat session: call it after WebChatService.started (or WebChat.ready for the window).`;
  return `Look at the reason the bus gave and at ${name}'s options in its row.`;
}

export const commandCancelled: Rule = (ctx) => {
  const reactions = reactionCommands(ctx);
  const cancelled = ctx.bus.commands.filter((r) => outcomeOf(r)?.outcome === 'cancelled' && !reactions.has(`${r.name}@${r.time}`));
  return [...groupBy(cancelled, (r) => r.name)].map(([name, rows]) => finding({
    rule: 'command-cancelled', severity: 'warning', key: `command-cancelled:${name}`,
    title: `A 'before' hook cancelled ${name}`,
    why: `A function registered with before('${name}') returned false or no object, so the bus dropped ${plural(rows.length, 'call')}.`,
    evidence: rows.map((r) => busEvidence(r, `${r.name} from ${r.source}: cancelled by a before hook`)),
    fix: {
      text: 'A before hook must return the options object (changed or not). Return it on every path.',
      snippet: beforeHookSnippet(name),
    },
    quotes: [name, ...sourcesOf(rows)],
  }));
};

export const registrationRefused: Rule = ({ bus }) => {
  const refused = bus.plugins.filter((r) => (r.record as PluginRecord).ok === false);
  return [...groupBy(refused, (r) => `${(r.record as PluginRecord).action}\n${r.name}`)].map(([key, rows]) => {
    const { action, plugin } = rows[0]!.record as PluginRecord;
    const register = action === 'registerPlugin';
    return finding({
      rule: 'registration-refused', severity: register ? 'error' : 'warning', key: `registration-refused:${key}`,
      title: register ? `The bus refused to register the plugin ${plugin}` : `The bus refused ${plugin}'s ${action}`,
      why: register
        ? 'registerPlugin returned false: the name is taken (or registration is locked), so the code that asked gets no interface and its publishes, commands and subscriptions never happen.'
        : `${action} returned false (no callback, or the plugin is not registered): that code never runs.`,
      evidence: rows.map((r) => busEvidence(r)),
      fix: {
        text: register
          ? `Give the extension's plugin a name of its own (not ${plugin}), registered once.`
          : 'Register the plugin first and pass a function.',
      },
      quotes: [plugin, String(action), ...rows.flatMap((r) => namesOf(r.record as PluginRecord))],
    });
  });
};

/** A registered command still pending this long: its handler never settles, or its plugin never
 *  called ready() (the bus buffers commands to a plugin until then). */
export const NEVER_SETTLED_MS = 30_000;

export const commandNeverSettled: Rule = ({ bus, now }) => {
  const registry = registryOf(bus.plugins);
  const stuck = bus.commands.filter((row) => {
    if (outcomeOf(row) || !(now - row.time >= NEVER_SETTLED_MS)) return false;
    const plugin = row.name.slice(0, Math.max(0, row.name.indexOf('.')));
    return registry.commands.get(plugin)?.has(row.name) === true;
  });
  return [...groupBy(stuck, (r) => r.name)].map(([name, rows]) => {
    const plugin = name.slice(0, name.indexOf('.'));
    return finding({
      rule: 'command-never-settled', severity: 'warning', key: `command-never-settled:${name}`,
      title: `${name} never settled`,
      why: `${plural(rows.length, 'call')} of ${name} got neither a resolve nor a reject after ${NEVER_SETTLED_MS / 1000} s: ${plugin} may not have called ready() (the bus holds commands for it until then), or its handler forgets to settle the deferred. Code waiting on it waits forever.`,
      evidence: rows.map((r) => busEvidence(r, `${r.name} from ${r.source}: still pending`)),
      fix: { text: `If ${plugin} is your own plugin, call its ready() once it is set up, and make its handler call e.deferred.resolve() or e.deferred.reject() on every path.` },
      quotes: [name, plugin, ...sourcesOf(rows)],
    });
  });
};

export const busRules: Rule[] = [unknownCommand, commandNeverSettled, commandRejected, commandCancelled, registrationRefused];
