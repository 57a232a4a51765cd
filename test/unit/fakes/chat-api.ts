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
