// Rules over the Bus rows: commands that never settle because their name does not exist,
// commands the bus rejected or a `before` hook cancelled, registrations the bus refused.
import { PENDING_WARN_MS, type BusRow } from '../../bus/bus-model';
import { textOf } from '../../model/bounded';
import { maskString } from '../../model/secrets';
import type { CommandRecord, PluginRecord } from '../../../src/shared/protocol';
import { busEvidence, finding, groupBy, outcomeOf, plural, type Rule } from '../context';

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

/** The registered command name closest to `name`, when one is close enough to be a typo. */
export function closestCommand(name: string, registry: Registry): string | undefined {
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

export const unknownCommand: Rule = ({ busRows, now }) => {
  const registry = registryOf(busRows);
  const stuck = busRows.filter((row) => {
    if (row.kind !== 'command' || outcomeOf(row) || !(now - row.time >= PENDING_WARN_MS)) return false;
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
        ? { text: `Call ${suggestion} instead.`, snippet: `CXBus.command('${suggestion}'${argsOf(rows[0]!)});` }
        : { text: `Call one of the commands ${plugin} registers (the Bus tab lists its registerCommand rows), or check that the plugin that owns it is loaded.` },
    });
  });
};

/** The options of a command as source text for the snippet, when it had any. */
function argsOf(row: BusRow): string {
  const options = (row.record as CommandRecord).options;
  if (options === null || typeof options !== 'object' || Object.keys(options).length === 0) return '';
  const text = row.summary;
  return text && text !== '{}' ? `, ${text}` : '';
}

function reasonOf(row: BusRow): string {
  const value = outcomeOf(row)?.value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (v.$cx === 'undefined') return '(no reason given)';
    if (typeof v.message === 'string') return maskString(v.message);
  }
  return maskString(textOf(value ?? null).slice(0, 300));
}

const pageCommand = (row: BusRow) => !WIDGETS_PLUGINS.has(row.source);

export const commandRejected: Rule = ({ busRows }) => {
  const rejected = busRows.filter((r) => r.kind === 'command' && outcomeOf(r)?.outcome === 'rejected' && pageCommand(r));
  return [...groupBy(rejected, (r) => `${r.name}\n${reasonOf(r)}`)].map(([key, rows]) => {
    const reason = reasonOf(rows[0]!);
    const name = rows[0]!.name;
    return finding({
      rule: 'command-rejected', severity: 'warning', key: `command-rejected:${key}`,
      title: `${name} was rejected: ${reason}`,
      why: `The bus refused ${plural(rows.length, 'call')} of ${name} from ${[...new Set(rows.map((r) => r.source))].join(', ')}; what the page meant to do did not happen.`,
      evidence: rows.map((r) => busEvidence(r, `${r.name} from ${r.source}: rejected, ${reason}`)),
      fix: { text: rejectionFix(reason, name) },
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

export const commandCancelled: Rule = ({ busRows }) => {
  const cancelled = busRows.filter((r) => r.kind === 'command' && outcomeOf(r)?.outcome === 'cancelled');
  return [...groupBy(cancelled, (r) => r.name)].map(([name, rows]) => finding({
    rule: 'command-cancelled', severity: 'warning', key: `command-cancelled:${name}`,
    title: `A 'before' hook cancelled ${name}`,
    why: `A function registered with before('${name}') returned false or no object, so the bus dropped ${plural(rows.length, 'call')}.`,
    evidence: rows.map((r) => busEvidence(r, `${r.name} from ${r.source}: cancelled by a before hook`)),
    fix: {
      text: 'A before hook must return the options object (changed or not). Return it on every path.',
      snippet: `bus.before('${name}', function (options) {\n  // ... adjust options ...\n  return options;\n});`,
    },
  }));
};

export const registrationRefused: Rule = ({ busRows }) => {
  const refused = busRows.filter((r) => r.kind === 'plugin' && (r.record as PluginRecord).ok === false);
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
    });
  });
};

export const busRules: Rule[] = [unknownCommand, commandRejected, commandCancelled, registrationRefused];
