// The Firefox and store manifests made from the one manifest.json (build/manifest.ts).
import { describe, expect, it } from 'vitest';
import manifest from '../../../manifest.json' with { type: 'json' };
import { FIREFOX_MIN_VERSION, GECKO_ID, manifestFor, storeManifest } from '../../../build/manifest';

describe('manifestFor', () => {
  it('leaves the Chrome manifest as it is', () => {
    expect(manifestFor(manifest, 'chrome')).toEqual(manifest);
  });

  it('makes the Firefox manifest: background scripts, a gecko id and floor, no key, no Chrome floor', () => {
    const firefox = manifestFor(manifest, 'firefox') as Record<string, any>;
    expect(firefox.background).toEqual({ scripts: [manifest.background.service_worker], type: 'module' });
    expect(firefox.browser_specific_settings).toEqual({
      gecko: { id: GECKO_ID, strict_min_version: FIREFOX_MIN_VERSION, data_collection_permissions: { required: ['none'] } },
    });
    expect(firefox).not.toHaveProperty('key');
    expect(firefox).not.toHaveProperty('minimum_chrome_version');
    // Everything else is the same manifest.
    const { background: _b, browser_specific_settings: _s, ...rest } = firefox;
    const { background: _cb, key: _k, minimum_chrome_version: _m, ...chromeRest } = manifest as Record<string, any>;
    expect(rest).toEqual(chromeRest);
    expect(manifest).toHaveProperty('key'); // the input is not changed
  });

  it('works on a manifest without content scripts (the worker registers them per site)', () => {
    const { content_scripts: _c, ...bare } = manifest as Record<string, any>;
    const firefox = manifestFor(bare, 'firefox') as Record<string, any>;
    expect(firefox).not.toHaveProperty('content_scripts');
    expect(firefox.background.scripts).toEqual([manifest.background.service_worker]);
  });

  it('drops the development key for a store', () => {
    expect(storeManifest(manifest)).not.toHaveProperty('key');
    expect(storeManifest(manifest)).toEqual(Object.fromEntries(Object.entries(manifest).filter(([k]) => k !== 'key')));
  });
});
