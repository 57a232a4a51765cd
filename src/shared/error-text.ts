/** A readable line for anything thrown or rejected: an error's message, a string as it is, else
 *  the value as JSON. Never throws (a page can throw values with hostile getters). For the panel's
 *  one-line "Name: message" of an error, see errorLine in src/analysis/text/bounded.ts. */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  try {
    const message = (error as { message?: unknown } | null | undefined)?.message;
    if (typeof message === 'string') return message;
    return JSON.stringify(error) ?? String(error);
  } catch {
    try {
      return String(error);
    } catch {
      return 'an error that cannot be read';
    }
  }
}
