// The caps of the page-side copy (src/page/safe-copy.ts): what a copied value can hold at most.
// Shared because a recording file written by the panel (src/analysis/files/format.ts) applies
// the same caps to what it reads back.
export const MAX_STRING_CHARS = 10_000;
export const MAX_ARRAY_ITEMS = 1_000;
export const MAX_OBJECT_KEYS = 1_000;
export const MAX_DEPTH = 12;
export const MAX_NODES = 20_000;
