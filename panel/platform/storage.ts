// The panel's own settings in its localStorage. Storage can be unavailable (blocked, full): then
// reads give null and writes do nothing, and a setting lasts as long as the panel.

export function readSetting(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage unavailable */
  }
}

/** A JSON setting, or null when missing or unreadable: callers validate what they get. */
export function readJsonSetting(key: string): unknown {
  try {
    return JSON.parse(readSetting(key) ?? 'null');
  } catch {
    return null;
  }
}

export function writeJsonSetting(key: string, value: unknown): void {
  writeSetting(key, JSON.stringify(value));
}
