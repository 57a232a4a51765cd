// The zip writer and reader of the packages (build/zip.ts, over fflate), and the files a manifest names
// (build/manifest-files.ts).
import { describe, expect, it } from 'vitest';
import { writeZip, readZip } from '../../../build/zip';
import { manifestFiles } from '../../../build/manifest-files';

describe('zip', () => {
  it('reads back what it wrote: names, bytes, empty and binary files', () => {
    const entries = [
      { name: 'manifest.json', data: Buffer.from('{"a":1}') },
      { name: 'assets/é.js', data: Buffer.from('x'.repeat(100_000)) },
      { name: 'empty.txt', data: Buffer.alloc(0) },
      { name: 'icons/bytes.bin', data: Buffer.from([0, 255, 1, 254]) },
    ];
    const zip = writeZip(entries);
    expect(zip.length).toBeLessThan(100_000); // deflated
    expect(readZip(zip)).toEqual(entries);
  });

  it('gives the same bytes for the same files', () => {
    const entries = [{ name: 'a.txt', data: Buffer.from('a') }];
    expect(writeZip(entries).equals(writeZip(entries))).toBe(true);
  });

  it('refuses a damaged zip', () => {
    const zip = writeZip([{ name: 'a.txt', data: Buffer.from('hello '.repeat(1000)) }]);
    expect(() => readZip(zip.subarray(0, 10))).toThrow(/not a zip/);
    expect(() => readZip(Buffer.from('PK\u0005\u0006 but nothing else'))).toThrow(/not a zip/);
  });
});

describe('manifestFiles', () => {
  it('lists icons, pages, scripts and plain web-accessible files, once each, without a leading slash', () => {
    expect(manifestFiles({
      icons: { 16: 'i/16.png', 32: '/i/32.png' },
      action: { default_icon: 'i/16.png', default_popup: 'popup.html' },
      devtools_page: 'devtools.html',
      background: { scripts: ['bg.js'] },
      content_scripts: [{ js: ['a.js', 'b.js'], css: ['c.css'] }, {}],
      web_accessible_resources: [{ resources: ['assets/*', 'w.js'] }],
    })).toEqual(['i/16.png', 'i/32.png', 'popup.html', 'devtools.html', 'bg.js', 'a.js', 'b.js', 'c.css', 'w.js']);
    expect(manifestFiles({})).toEqual([]);
  });
});
