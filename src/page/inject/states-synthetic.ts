// The synthetic InteractionStateChange that "Simulate" delivers to the page's
// WebChatService.messageReceived subscribers. Pure. Marked synthetic twice: the message id starts
// with SYNTHETIC_ID_PREFIX and the payload has cxLensSynthetic.
import { SYNTHETIC_ID_PREFIX } from '../../shared/interaction-states';

/** Digital Channels' System participant (the guide's sample). */
export const SYSTEM_PARTICIPANT_ID = '00000000-0000-0000-0000-000000000000';

export interface SyntheticStateMessage {
  type: 'System';
  from: { type: 'System'; participantId: string };
  event: 'InteractionStateChange';
  data: { interactionState: string };
  id: string;
  index: string;
  utcTime: string;
  visibility: 'All';
}

export interface SyntheticMessageReceived {
  messages: (SyntheticStateMessage & { timestamp: string })[];
  originalMessages: SyntheticStateMessage[];
  restoring: false;
  oldMessages: false;
  sessionData: unknown;
  cxLensSynthetic: true;
}

/**
 * A messageReceived payload shaped like the v3 transport's: `originalMessages` holds the raw
 * message, `messages` its copy with `timestamp` (the transport copies utcTime there). The index
 * has no "-", as the transport delivers it, and sorts after real indexes of the same moment.
 */
export function buildSyntheticMessageReceived(
  state: string,
  sessionData: unknown,
  now: number,
  uuid: string,
): SyntheticMessageReceived {
  const utcTime = new Date(now).toISOString();
  const original: SyntheticStateMessage = {
    type: 'System',
    from: { type: 'System', participantId: SYSTEM_PARTICIPANT_ID },
    event: 'InteractionStateChange',
    data: { interactionState: state },
    id: SYNTHETIC_ID_PREFIX + uuid,
    index: `${now}9`,
    utcTime,
    visibility: 'All',
  };
  return {
    messages: [{ ...original, from: { ...original.from }, data: { ...original.data }, timestamp: utcTime }],
    originalMessages: [original],
    restoring: false,
    oldMessages: false,
    sessionData: sessionData ?? null,
    cxLensSynthetic: true,
  };
}
