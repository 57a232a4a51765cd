// Digital Channels chat API data, as the Widgets transport receives it: for tests of what CX Lens
// reads from the bus and from the network.

/** An InteractionStateChange system message, as the API sends it and the transport passes it on
 *  in `originalMessages`. */
export function stateMessage(state: string, id: string, index: string, utcTime = '2021-07-09T10:25:38.829Z') {
  return {
    type: 'System',
    from: { participantId: '00000000-0000-0000-0000-000000000000', type: 'System' },
    visibility: 'All',
    id,
    event: 'InteractionStateChange',
    data: { interactionState: state },
    utcTime,
    index,
  };
}

/** The body of a well-formed poll response (`GET …/sessions/{id}/messages`) carrying `messages`. */
export function pollResponseBody(messages: unknown[]): string {
  return JSON.stringify({ status: { code: 'SUCCESS' }, data: { messages, chatEnded: false } });
}

/** Items of the large responses the analysis must take: a 0.4 MB poll of this many `0` items once
 *  overflowed the stack (`push(...facts)`), the States view and the findings with it. */
export const LARGE = 200_000;

/** A poll response body whose `data.messages` holds `n` copies of `item` (0: no message at all). */
export function largePollBody(n = LARGE, item: unknown = 0): string {
  const one = JSON.stringify(item);
  return `{"status":{"code":"SUCCESS"},"data":{"messages":[${new Array<string>(n).fill(one).join(',')}],"chatEnded":false}}`;
}
