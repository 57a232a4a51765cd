// Makes a fake window answer the page hook's handle request (HANDLE_EVENT in
// src/shared/hook-handle.ts) the way the real hook does, with `handle`; undefined stops answering.
import { HANDLE_EVENT } from '../../../src/shared/hook-handle';

const handles = new WeakMap<object, unknown>();

export function setHookHandle(win: object, handle: unknown): void {
  const w = win as { addEventListener?: unknown; dispatchEvent?: unknown };
  if (!handles.has(win) && typeof w.dispatchEvent !== 'function') {
    const target = new EventTarget();
    target.addEventListener(HANDLE_EVENT, (event) => {
      const current = handles.get(win);
      if (current !== undefined) ((event as CustomEvent).detail as { handle?: unknown }).handle = current;
    });
    w.addEventListener = target.addEventListener.bind(target);
    w.dispatchEvent = target.dispatchEvent.bind(target);
  }
  handles.set(win, handle);
}
