/** Panel views stay mounted behind hidden tabs (App.tsx): true while `el`'s tab is not shown. */
export function inHiddenTab(el: Element | null): boolean {
  return el?.closest('[hidden]') != null;
}
