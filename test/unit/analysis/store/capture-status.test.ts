import { describe, expect, it } from 'vitest';
import { NO_PAGE_AFTER_MS, captureStatus, lossesOf, lossText } from '../../../../src/analysis/store/capture-status';
import { createTabModels, type TabModels } from '../../../../src/analysis/store/tab-models';
import { connected, ev, frame, status } from '../fixtures';

const statusOf = (m: TabModels, now: number) => captureStatus(m.store, m.bus, now);

describe('captureStatus', () => {
  it('says connecting, then no-page when no content script answers', () => {
    let now = 0;
    const m = createTabModels({ now: () => now });
    expect(statusOf(m, now).state).toBe('connecting');
    m.store.feed.connection('connected');
    expect(statusOf(m, now).state).toBe('connecting');
    now = NO_PAGE_AFTER_MS + 1;
    const s = statusOf(m, now);
    expect(s.state).toBe('no-page');
    expect(s.message).toMatch(/reload the page/i);
  });

  it('says reconnecting with the reason', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.connection('reconnecting', 'service worker disconnected');
    const s = statusOf(m, Date.now());
    expect(s.state).toBe('reconnecting');
    expect(s.message).toContain('service worker disconnected');
  });

  it('says no-bus while the hook reports no CXBus, and why when it is untappable', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    expect(statusOf(m, Date.now())).toMatchObject({ state: 'no-bus', message: expect.stringMatching(/not reported/) });
    m.store.feed.records('a', [status({ cxbus: 'absent' })], 0);
    expect(statusOf(m, Date.now())).toMatchObject({ state: 'no-bus', message: expect.stringMatching(/no CXBus on this page yet/) });
    m.store.feed.records('a', [status({ cxbus: 'untappable', problems: ['CXBus is frozen'] })], 0);
    expect(statusOf(m, Date.now()).message).toContain('CXBus is frozen');
  });

  it('says capturing in which frames, with counts, plugins and dropped records', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.frame(frame('i', false, 'http://127.0.0.1:8761/frame.html'));
    m.store.feed.records('i', [{ ...status({ cxbus: 'tapped', plugins: ['App', 'WebChat'] }), seq: 6 }, { ...ev('A.b'), seq: 7 }], 5);
    m.store.feed.records('a', [{ ...status({ cxbus: 'absent' }), seq: 1 }], 0);
    const s = statusOf(m, Date.now());
    expect(s.state).toBe('capturing');
    expect(s.message).toContain('iframe 127.0.0.1:8761');
    expect(s.message).toContain('1 event');
    expect(s.dropped).toBe(5);
    expect(s.lost).toBe(5);
    expect(s.frames.map((f) => [f.top, f.bus])).toEqual([[true, 'absent'], [false, 'tapped']]);
    expect(s.frames[1]!.plugins).toEqual(['App', 'WebChat']);
  });

  it('says capturing when bus rows arrive even without a status record', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.records('a', [status({ cxbus: 'absent' }), ev('WebChat.opened')], 0);
    expect(statusOf(m, Date.now())).toMatchObject({ state: 'capturing', message: expect.stringContaining('top frame localhost:8760') });
  });
});

describe('a frame whose hook could not record everything', () => {
  it('shows that frame as partial, with the number missed and why, never as captured whole', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.frame(frame('i', false, 'http://127.0.0.1:8761/frame.html'));
    m.store.feed.records('a', [status({ cxbus: 'tapped', plugins: ['App'] }), ev('App.ready')], 0);
    m.store.feed.records('i', [status({ cxbus: 'tapped', unrecorded: { count: 3, reason: 'recording an event: TypeError: push refused' } })], 0);
    const s = statusOf(m, Date.now());
    expect(s.state).toBe('capturing');
    expect(s.message).toContain('top frame localhost:8760, iframe 127.0.0.1:8761 (partial: 3 records not recorded (recording an event: TypeError: push refused))');
    expect(s.frames.map((f) => [f.top, f.unrecorded])).toEqual([[true, 0], [false, 3]]);
    expect(s.losses.notRecorded).toBe(3);
    expect(lossText(s.losses)).toContain('3 not recorded by the hook');
    expect(lossText(lossesOf({ dropped: 0, tooLarge: 0, lost: 0, status: { cxbus: 'tapped', quickBus: false, plugins: [], problems: [], unrecorded: { count: 3, reason: 'x' } } })))
      .toBe('3 lost: 3 not recorded by the hook');
  });

  it('a frame that recorded nothing at all but says it missed records is listed as partial too', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.frame(frame('i', false, 'http://127.0.0.1:8761/frame.html'));
    m.store.feed.records('a', [status({ cxbus: 'tapped' })], 0);
    m.store.feed.records('i', [status({ cxbus: 'absent', unrecorded: { count: 1, reason: 'x' } })], 0);
    expect(statusOf(m, Date.now()).message).toContain('iframe 127.0.0.1:8761 (partial: 1 record not recorded (x))');
  });

  it('takes the count from the page as data: a count that is no positive number is none', () => {
    for (const unrecorded of [{ count: -4, reason: 'x' }, { count: 0, reason: 'x' }, { count: 'many', reason: 'x' }, { count: Infinity, reason: 'x' }]) {
      expect(lossesOf({ dropped: 0, tooLarge: 0, lost: 0, status: { cxbus: 'tapped', quickBus: false, plugins: [], problems: [], unrecorded: unrecorded as never } }).notRecorded).toBe(0);
    }
  });
});

describe('losses by reason', () => {
  it('names each reason: buffer full as far as the gaps show it, too large as the relay counts it, the rest as missing', () => {
    expect(lossesOf({ dropped: 0, tooLarge: 0, lost: 0 })).toEqual({ notRecorded: 0, bufferFull: 0, tooLarge: 0, other: 0, total: 0 });
    expect(lossText(lossesOf({ dropped: 0, tooLarge: 0, lost: 0 }))).toBe('');
    // Too large before the panel saw a gap (no later record yet): counted at once.
    expect(lossText(lossesOf({ dropped: 0, tooLarge: 8, lost: 0 }))).toBe('8 lost: 8 too large to send');
    // The buffer's count includes records an earlier panel had received: only the gaps count here.
    expect(lossesOf({ dropped: 500, tooLarge: 0, lost: 300 })).toMatchObject({ bufferFull: 300, total: 300 });
    expect(lossText(lossesOf({ dropped: 10, tooLarge: 2, lost: 15 }))).toBe('15 lost: 10 page buffer full, 2 too large to send, 3 missing');
    // Gaps of page-made records the relay did not keep (their own budget) are no loss.
    expect(lossesOf({ dropped: 0, tooLarge: 0, lost: 4000, pageMadeDropped: 4000 })).toEqual({ notRecorded: 0, bufferFull: 0, tooLarge: 0, other: 0, total: 0 });
    expect(lossText(lossesOf({ dropped: 10, tooLarge: 2, lost: 4015, pageMadeDropped: 4000 }))).toBe('15 lost: 10 page buffer full, 2 too large to send, 3 missing');
  });
});
