// A fake SiteHost for the worker's site tests: storage.local and chrome.scripting as Chromium
// keeps them.
import type { Registered, ScriptSpec, SiteHost } from '../../../src/worker/site-registry';
import { SITES_KEY } from '../../../src/shared/site-access';

/** storage.local and chrome.scripting as Chromium keeps them; `refuse` makes register throw like
 *  a browser that does not know matchOriginAsFallback. */
export function fakeHost(options: { stored?: unknown; registered?: Registered[]; refuseFallback?: boolean } = {}) {
  const storage: Record<string, unknown> = options.stored === undefined ? {} : { [SITES_KEY]: options.stored };
  let scripts: ScriptSpec[] = (options.registered ?? []) as ScriptSpec[];
  const calls: string[] = [];
  const host: SiteHost = {
    async load(key) { return structuredClone(storage[key]); },
    async save(key, value) { storage[key] = structuredClone(value); calls.push(`save ${JSON.stringify(value)}`); },
    async registered(ids) { return structuredClone(scripts.filter((s) => ids.includes(s.id))); },
    async register(list) {
      if (options.refuseFallback && list.some((s) => 'matchOriginAsFallback' in s)) throw new TypeError("Unexpected property: 'matchOriginAsFallback'.");
      for (const s of list) if (scripts.some((r) => r.id === s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
      scripts = [...scripts, ...structuredClone(list)];
      calls.push(`register ${list.map((s) => s.id).join(',')}`);
    },
    async update(list) {
      if (options.refuseFallback && list.some((s) => 'matchOriginAsFallback' in s)) throw new TypeError("Unexpected property: 'matchOriginAsFallback'.");
      for (const s of list) {
        const i = scripts.findIndex((r) => r.id === s.id);
        if (i < 0) throw new Error(`No script with ID '${s.id}'`);
        scripts[i] = { ...scripts[i]!, ...structuredClone(s) };
      }
      calls.push(`update ${list.map((s) => s.id).join(',')}`);
    },
    async unregister(ids) {
      scripts = scripts.filter((s) => !ids.includes(s.id));
      calls.push(`unregister ${ids.join(',')}`);
    },
  };
  return { host, calls, storage, scripts: () => scripts };
}
