// The synthetic messageReceived payload that the simulator publishes.
import { describe, expect, it } from 'vitest';
import { buildSyntheticMessageReceived } from '../../../../src/page/inject/states-synthetic';
import { parseBusMessageReceived } from '../../../../src/shared/interaction-states';
import type { Copied } from '../../../../src/shared/protocol';

const NOW = Date.parse('2024-05-01T10:00:00.000Z');

describe('buildSyntheticMessageReceived', () => {
  it('builds a messageReceived payload marked synthetic everywhere', () => {
    const p = buildSyntheticMessageReceived('Completed', { sessionId: 's1' }, NOW, 'u-1');
    expect(p.originalMessages).toEqual([{
      type: 'System', from: { type: 'System', participantId: '00000000-0000-0000-0000-000000000000' },
      event: 'InteractionStateChange', data: { interactionState: 'Completed' },
      id: 'cx-lens-synthetic-u-1', index: `${NOW}9`, utcTime: '2024-05-01T10:00:00.000Z', visibility: 'All',
    }]);
    expect(p.messages[0]).toMatchObject({ id: 'cx-lens-synthetic-u-1', timestamp: '2024-05-01T10:00:00.000Z' });
    expect(p.messages[0]!.data).not.toBe(p.originalMessages[0]!.data); // a page that edits one copy leaves the other
    expect(p).toMatchObject({ restoring: false, oldMessages: false, sessionData: { sessionId: 's1' }, cxLensSynthetic: true });
    // and CX Lens reads it back as a synthetic state of that session
    const parsed = parseBusMessageReceived(p as unknown as Copied, NOW);
    expect(parsed.facts).toMatchObject([{ kind: 'state', state: 'Completed', synthetic: true, sessionId: 's1' }]);
  });
});
