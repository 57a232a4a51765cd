// Copy to the clipboard from a DevTools panel: navigator.clipboard is often refused there
// (permissions policy of the DevTools frame, or the document is not focused), so fall back to a
// hidden textarea and execCommand('copy'), which works on a user gesture.
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      // Some refusals never settle: give up after a moment (the user gesture is still fresh).
      const refused = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 500));
      await Promise.race([navigator.clipboard.writeText(text), refused]);
      return true;
    }
  } catch {
    /* refused: try the fallback */
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.left = '-9999px';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** Saves text as a file through a temporary object URL. */
export function downloadText(text: string, fileName: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
