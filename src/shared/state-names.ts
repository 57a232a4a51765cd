// The interaction states' names: what the chat API's parser (interaction-states.ts) and the
// finalize handler's options (injection-options.ts) both know, kept apart so neither imports the other.
/** States named by the Digital Channels guide. Others are kept, marked `known: false`. */
export const KNOWN_STATES = ['Active', 'Finalizing', 'Completed'] as const;
/** The states that end a segment: the finalize handler reacts to these (the guide's default). */
export const FINALIZE_STATES = ['Finalizing', 'Completed'] as const;
