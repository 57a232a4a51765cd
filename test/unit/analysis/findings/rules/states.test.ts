// Rules over the States timeline, driven through the real models: each fires on the chat it is
// about and stays silent on a healthy one.
import { describe, expect, it } from 'vitest';
import {
  T0, cmd, out, pageMade, received, response, started, stateAt, status, tab, textAt,
} from '../helpers';

const asyncStatus = status(0, { transport: { type: 'pureengage-v3-rest', asyncEnabled: true } });

describe('no-finalize-reaction', () => {
  it('fires on a Finalizing that nothing answered within the window, with the handler as its fix', () => {
    const t = tab();
    t.feed(asyncStatus, started(10), received(1000, [stateAt('Finalizing', 1000, 'fin')]));
    const f = t.one('no-finalize-reaction', T0 + 10_000);
    expect(f.severity).toBe('warning');
    expect(f.sessionId).toBe('sess-1');
    expect(f.evidence).toEqual([expect.objectContaining({ tab: 'states', key: 'fin', time: T0 + 1000 })]);
    expect(f.fix.action?.id).toBe('finalize-on');
    expect(f.fix.snippet).toContain("CXBus.command('WebChat.injectMessage'");
    expect(f.firstSeen).toBe(T0 + 1000);
  });

  it('is silent when the page injected a message, and while the window is still open', () => {
    const t = tab();
    t.feed(asyncStatus, started(10), received(1000, [stateAt('Finalizing', 1000)]));
    expect(t.rules(T0 + 1500)).not.toContain('no-finalize-reaction');
    t.feed(cmd(1200, 1, 'WebChat.injectMessage'), out(1250, 1, 'resolved'));
    expect(t.rules(T0 + 10_000)).not.toContain('no-finalize-reaction');
  });

  it('is one finding per session however many states went unanswered', () => {
    const t = tab();
    t.feed(started(10), received(1000, [stateAt('Finalizing', 1000)]), received(2000, [stateAt('Active', 2000)]), received(9000, [stateAt('Completed', 9000)]));
    const f = t.one('no-finalize-reaction', T0 + 20_000);
    expect(f.evidence).toHaveLength(2);
    expect(f.lastSeen).toBe(T0 + 9000);
  });

  it('ignores states the page made', () => {
    const t = tab();
    t.feed(started(10), pageMade(received(1000, [stateAt('Finalizing', 1000)])));
    expect(t.rules(T0 + 10_000)).toEqual([]);
  });

  it('from the network alone (a HAR: no bus tapped), says the reaction cannot be seen, never that nothing reacted', () => {
    const t = tab();
    t.network(
      response(1000, { status: { code: 'SUCCESS' }, data: { messages: [stateAt('Finalizing', 1000, 'fin')] } }),
      response(4000, { status: { code: 'SUCCESS' }, data: { messages: [textAt('Customer', 4000, 'thanks', 'thx')] } }),
    );
    const f = t.one('no-finalize-reaction', T0 + 10_000);
    expect(f.severity).toBe('info');
    expect(f.title).toBe('The page\'s reaction to 1 end of segment (Finalizing) cannot be seen: no bus was tapped');
    expect(f.evidence).toEqual([expect.objectContaining({ tab: 'states', key: 'fin' })]);
    const texts = [f.title, f.why, f.fix.text, ...f.evidence.map((e) => e.label)].join('\n');
    expect(texts).not.toMatch(/nothing reacted|no WebChat\.injectMessage or WebChat\.endChat within/i);
    expect(f.evidence[0]!.label).toContain('its reaction cannot be seen');
    // The customer's message after it is a fact of the network; the fix does not assume no handler.
    const after = t.one('segment-after-finalize', T0 + 10_000);
    expect(after.fix.text).toMatch(/^Open the page with CX Lens .* it shows whether the page reacts/);
  });

  it('with a tapped bus, a state seen only on the network is still judged: its commands would be visible', () => {
    const t = tab();
    t.feed(status(0, { cxbus: 'tapped' }));
    t.network(response(1000, { status: { code: 'SUCCESS' }, data: { messages: [stateAt('Completed', 1000, 'done')] } }));
    const f = t.one('no-finalize-reaction', T0 + 10_000);
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('Nothing reacted to 1 end of segment (Completed)');
    expect(f.evidence[0]!.label).toContain('no WebChat.injectMessage or WebChat.endChat within 3 s');
  });
});

describe('segment-after-finalize', () => {
  it('fires on a customer message after Finalizing, naming the message row', () => {
    const t = tab();
    t.feed(started(10), received(1000, [stateAt('Finalizing', 1000)]), received(5000, [textAt('Customer', 5000, 'thanks', 'thx')]));
    const f = t.one('segment-after-finalize', T0 + 10_000);
    expect(f.severity).toBe('warning');
    expect(f.evidence[0]).toMatchObject({ tab: 'states', key: 'thx', time: T0 + 5000 });
    expect(f.fix.action?.id).toBe('finalize-on');
  });

  it('is silent when the customer writes while the segment is active', () => {
    const t = tab();
    t.feed(started(10), received(1000, [stateAt('Active', 1000)]), received(2000, [textAt('Customer', 2000)]), received(3000, [textAt('Agent', 3000)]));
    expect(t.rules(T0 + 10_000)).toEqual([]);
  });
});

describe('finalize-reaction-failed', () => {
  it('fires when the reaction command was rejected', () => {
    const t = tab();
    t.feed(started(10), received(1000, [stateAt('Completed', 1000)]), cmd(1100, 1, 'WebChat.endChat'), out(1150, 1, 'rejected', 'There is no active chat session'));
    const f = t.one('finalize-reaction-failed', T0 + 10_000);
    expect(f.title).toContain('WebChat.endChat');
    // The same rejection is not reported again as command-rejected.
    expect(t.rules()).toEqual(['finalize-reaction-failed']);
  });

  it('fires when the reaction never settled, and is silent when it resolved', () => {
    const t = tab();
    t.feed(started(10), received(1000, [stateAt('Completed', 1000)]), cmd(1100, 1, 'WebChat.injectMessage'));
    expect(t.rules(T0 + 3000)).not.toContain('finalize-reaction-failed');
    expect(t.rules(T0 + 10_000)).toContain('finalize-reaction-failed');
    t.feed(out(10_500, 1, 'resolved'));
    expect(t.rules(T0 + 11_000)).not.toContain('finalize-reaction-failed');
  });
});

describe('malformed-response', () => {
  const helper = { status: { code: 'SUCCESS' }, data: { messages: [stateAt('Active', 100), { lastDeliveredIndex: '1', chatEnded: false }] } };
  it('fires on a poll response with a helper object among its messages', () => {
    const t = tab();
    t.network(response(100, helper), response(400, helper));
    const f = t.one('malformed-response', T0 + 1000);
    expect(f.severity).toBe('error');
    expect(f.evidence).toHaveLength(2);
    expect(f.evidence[0]).toMatchObject({ tab: 'states', key: `response-0-${T0 + 100}` });
    expect(f.why).toContain('from.type');
  });

  it('is silent on a well-formed response', () => {
    const t = tab();
    t.network(response(100, { status: { code: 'SUCCESS' }, data: { messages: [stateAt('Active', 100)], lastDeliveredIndex: '1', chatEnded: false } }));
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});

describe('segment-after-finalize on a page that already notifies', () => {
  it('suggests ending the chat rather than the handler it already has', () => {
    const t = tab();
    t.feed(started(10), received(1000, [stateAt('Finalizing', 1000)]), cmd(1100, 1, 'WebChat.injectMessage', 'CXLensFinalize'), out(1150, 1, 'resolved'),
      received(5000, [textAt('Customer', 5000, 'Thank you!')]));
    const f = t.one('segment-after-finalize', T0 + 10_000);
    expect(f.fix.action).toBeUndefined();
    expect(f.fix.text).toContain('WebChat.endChat');
  });
});
