import { describe, expect, it } from 'vitest';
import { InjectionManager, type InjectionHost } from '../../../src/worker/injection';
import type { InjectionSettings } from '../../../src/shared/protocol';

function fakeHost(failOn?: string) {
  let stored: Record<string, InjectionSettings> = {};
  const calls: string[] = [];
  const host: InjectionHost = {
    async install(tabId, feature, options) {
      calls.push(`install ${tabId} ${feature} ${JSON.stringify(options)}`);
      if (feature === failOn) throw new Error('Cannot access contents of the page');
    },
    async uninstall(tabId, feature) { calls.push(`uninstall ${tabId} ${feature}`); },
    async loadSettings() { return JSON.parse(JSON.stringify(stored)); },
    async saveSettings(all) { stored = JSON.parse(JSON.stringify(all)); },
  };
  return { host, calls, stored: () => stored };
}

const finalize = { text: 'bye', behaviour: 'follow-async' as const, states: ['Finalizing', 'Completed'] };

describe('InjectionManager', () => {
  it('installs a switched-on feature at once and keeps the setting for the tab', async () => {
    const { host, calls, stored } = fakeHost();
    const m = new InjectionManager(host);
    expect(await m.set(4, 'finalize', finalize)).toEqual({ finalize });
    expect(calls).toEqual([`install 4 finalize ${JSON.stringify(finalize)}`]);
    expect(stored()).toEqual({ 4: { finalize } });
  });

  it('installs again in every new top document of that tab only', async () => {
    const { host, calls } = fakeHost();
    const m = new InjectionManager(host);
    await m.set(4, 'finalize', finalize);
    calls.length = 0;
    expect(await m.documentStarted(4)).toEqual([]);
    expect(await m.documentStarted(5)).toEqual([]);
    expect(calls).toEqual([`install 4 finalize ${JSON.stringify(finalize)}`]);
  });

  it('switching off uninstalls and forgets, so a reload installs nothing', async () => {
    const { host, calls, stored } = fakeHost();
    const m = new InjectionManager(host);
    await m.set(4, 'finalize', finalize);
    await m.set(4, 'finalize', null);
    expect(calls.at(-1)).toBe('uninstall 4 finalize');
    expect(stored()).toEqual({});
    calls.length = 0;
    await m.documentStarted(4);
    expect(calls).toEqual([]);
  });

  it('keeps other features of the tab when one is switched off', async () => {
    const { host } = fakeHost();
    const m = new InjectionManager(host);
    const cookie = { cookieName: 'sess', iframeUrl: 'http://[::1]:1/iframe.html' };
    await m.set(4, 'finalize', finalize);
    await m.set(4, 'cookie-provider', cookie);
    expect(await m.set(4, 'finalize', null)).toEqual({ 'cookie-provider': cookie });
  });

  it('reports a feature that fails to install on a new document and still installs the others', async () => {
    const { host, calls } = fakeHost('cookie-provider');
    const m = new InjectionManager(host);
    await m.set(4, 'finalize', finalize);
    await m.set(4, 'cookie-provider', { cookieName: 'a', iframeUrl: 'b' }).catch(() => {});
    calls.length = 0;
    const failures = await m.documentStarted(4);
    expect(failures).toEqual([{ feature: 'cookie-provider', message: 'Cannot access contents of the page' }]);
    expect(calls.some((c) => c.startsWith('install 4 finalize'))).toBe(true);
  });

  it('forgets a closed tab', async () => {
    const { host, stored } = fakeHost();
    const m = new InjectionManager(host);
    await m.set(4, 'finalize', finalize);
    await m.tabClosed(4);
    expect(stored()).toEqual({});
  });
});
