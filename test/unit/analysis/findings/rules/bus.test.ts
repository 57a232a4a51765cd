// Rules over the Bus rows, driven through the real models.
import { describe, expect, it } from 'vitest';
import { closestCommand, editDistance, registryOf } from '../../../../../src/analysis/findings/rules/bus';
import { T0, cmd, out, pageMade, plugin, registrations, tab } from '../helpers';

describe('unknown-command', () => {
  it('fires on a pending command its plugin never registered, suggesting the closest name', () => {
    const t = tab();
    t.feed(...registrations(), cmd(100, 1, 'WebChat.opne'));
    expect(t.rules(T0 + 2000)).not.toContain('unknown-command'); // not pending long enough yet
    const f = t.one('unknown-command', T0 + 6000);
    expect(f.severity).toBe('error');
    expect(f.title).toContain('WebChat.open');
    expect(f.fix.snippet).toBe('CXBus.command("WebChat.open");');
    expect(f.evidence[0]).toMatchObject({ tab: 'bus', time: T0 + 100 });
    expect(t.models.bus.rows.some((r) => String(r.key) === f.evidence[0]!.key && r.kind === 'command')).toBe(true);
  });

  it('is silent for registered, built-in and settled commands, and for plugins whose registrations were not seen', () => {
    const t = tab();
    t.feed(...registrations(), cmd(100, 1, 'WebChat.open'), cmd(110, 2, 'WebChat.COMMANDS'), cmd(120, 3, 'Foo.bar'), cmd(130, 4, 'WebChat.opne'), out(140, 4, 'rejected', 'x'));
    expect(t.rules(T0 + 60_000)).not.toContain('unknown-command');
  });

  it('ignores a command the page made', () => {
    const t = tab();
    t.feed(...registrations(), pageMade(cmd(100, 1, 'WebChat.opne')));
    expect(t.rules(T0 + 60_000)).toEqual([]);
  });

  it('suggests by edit distance, with swaps, only when close', () => {
    const t = tab();
    t.feed(...registrations());
    const registry = registryOf(t.models.bus.rows as never);
    expect(editDistance('WebChat.opne', 'WebChat.open')).toBe(1);
    expect(closestCommand('WebChat.opne', registry)).toBe('WebChat.open');
    expect(closestCommand('WebChat.injectMesage', registry)).toBe('WebChat.injectMessage');
    expect(closestCommand('WebChat.minimize', registry)).toBeUndefined();
  });
});

describe('command-rejected', () => {
  it('fires with the reason the bus gave, one finding per command and reason', () => {
    const t = tab();
    t.feed(cmd(100, 1, 'WebChat.sendMessage', 'CXBus'), out(120, 1, 'rejected', 'Could not load plugin file in given location. Check your plugins path option.'),
      cmd(200, 2, 'WebChat.sendMessage', 'CXBus'), out(220, 2, 'rejected', 'Could not load plugin file in given location. Check your plugins path option.'));
    const f = t.one('command-rejected', T0 + 1000);
    expect(f.severity).toBe('warning');
    expect(f.title).toContain('Could not load plugin file');
    expect(f.evidence).toHaveLength(2);
    expect(f.fix.text).toContain('pluginsPath');
  });

  it('masks secrets of the reason in the title, the evidence and the key: an object, or JSON in a message or a string', () => {
    const secrets = { apiKey: 'k-live-123', password: 'hunter2', authorization: 'Basic dXNlcjpwYXNzd29yZA==' };
    const json = JSON.stringify(secrets);
    const t = tab();
    t.feed(
      cmd(100, 1, 'RT.a', 'CXBus'), out(120, 1, 'rejected', json),
      cmd(200, 2, 'RT.b', 'CXBus'), out(220, 2, 'rejected', { message: `Refused: ${json}` }),
      cmd(300, 3, 'RT.c', 'CXBus'), out(320, 3, 'rejected', { reason: secrets }),
      cmd(400, 4, 'RT.d', 'CXBus'), out(420, 4, 'rejected', 'Authorization: Bearer abc.def-123_XYZ; see https://x.test/?access_token=tok123&apikey=k99'),
    );
    const found = t.findings(T0 + 1000).filter((f) => f.rule === 'command-rejected');
    expect(found).toHaveLength(4);
    const shown = JSON.stringify(found.map((f) => [f.key, f.title, f.why, f.fix.text, f.evidence.map((e) => e.label), f.quotes]));
    for (const secret of ['k-live-123', 'hunter2', 'dXNlcjpwYXNzd29yZA', 'abc.def-123_XYZ', 'tok123', 'k99']) expect(shown).not.toContain(secret);
    expect(found.find((f) => f.title.startsWith('RT.a'))!.title).toBe('RT.a was rejected: {"apiKey":"•••• (masked)","password":"•••• (masked)","authorization":"•••• (masked)"}');
    expect(found.find((f) => f.title.startsWith('RT.d'))!.title).toBe('RT.d was rejected: Authorization: Bearer •••• (masked); see https://x.test/?access_token=•••• (masked)&apikey=•••• (masked)');
  });

  it('is silent on resolved commands and on Widgets\' own routine refusals', () => {
    const t = tab();
    t.feed(cmd(100, 1, 'WebChat.open'), out(120, 1, 'resolved'),
      cmd(200, 2, 'WebChatService.restore', 'WebChat'), out(220, 2, 'rejected', 'No chat session found to restore.'));
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});

describe('command-cancelled', () => {
  it('fires when a before hook cancelled a command', () => {
    const t = tab();
    t.feed(cmd(100, 1, 'WebChat.open'), out(120, 1, 'cancelled', "Command was cancelled by a 'before' function."));
    expect(t.one('command-cancelled', T0 + 1000).fix.snippet).toContain('return options');
  });
  it('is silent when the hook let it through', () => {
    const t = tab();
    t.feed(cmd(100, 1, 'WebChat.open'), out(120, 1, 'resolved'));
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});

describe('registration-refused', () => {
  it('fires as an error when registerPlugin was refused', () => {
    const t = tab();
    t.feed(plugin(10, 'WebChat'), plugin(20, 'WebChat', 'registerPlugin', [], false));
    const f = t.one('registration-refused', T0 + 1000);
    expect(f.severity).toBe('error');
    expect(f.title).toContain('WebChat');
  });
  it('is silent when every registration succeeded', () => {
    const t = tab();
    t.feed(...registrations());
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});

describe('command-rejected for a state the widget is already in', () => {
  it('is information only', () => {
    const t = tab();
    t.feed(cmd(100, 1, 'WebChat.open', 'CXBus'), out(120, 1, 'rejected', 'WebChat is already open. Ignoring command.'));
    expect(t.one('command-rejected', T0 + 1000).severity).toBe('info');
  });
});

describe('command-never-settled', () => {
  it('fires on a registered command still pending after 30 s', () => {
    const t = tab();
    t.feed(...registrations(), cmd(100, 1, 'WebChat.open'));
    expect(t.rules(T0 + 20_000)).toEqual([]);
    const f = t.one('command-never-settled', T0 + 40_000);
    expect(f.severity).toBe('warning');
    expect(f.why).toContain('ready()');
  });
  it('is silent once it settled, and leaves unknown names to unknown-command', () => {
    const t = tab();
    t.feed(...registrations(), cmd(100, 1, 'WebChat.open'), out(40_000, 1, 'resolved'), cmd(200, 2, 'WebChat.opne'));
    expect(t.rules(T0 + 60_000)).toEqual(['unknown-command']);
  });
});
