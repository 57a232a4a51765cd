// document.open() erases every event listener of the window and the document, in every world
// (HTML's document open steps), and empties the document: after it, the page hook would stop
// answering CX Lens's scripts and the channel hook would stop seeing messages, without a word.
// This watches the document's own children (its root element parsed, or removed by a rewrite: a
// record or two per load) so that the hook can put its listeners back and say the document was
// rewritten. Runs in page code: natives are taken at load, and nothing here throws into the page.

const MutationObserverNative = typeof MutationObserver === 'function' ? MutationObserver : undefined;
const observeNative = MutationObserverNative?.prototype.observe;
const rootOf = typeof Document === 'function' ? Object.getOwnPropertyDescriptor(Document.prototype, 'documentElement')?.get : undefined;

/** The callbacks of each watched document: the bus tap's and the channel hook's share one observer.
 *  Read and written only while the hooks install, at document_start. */
const watchers = new WeakMap<Document, ((rewritten: boolean) => void)[]>();

/** Calls `onChange(rewritten)` after each change of `doc`'s own children; `rewritten` is true
 *  when the root element the document had was taken away (document.open(), or a page removing
 *  it). One observer per document, whoever asks. Returns false when the window cannot be watched. */
export function watchDocumentRewrites(doc: Document, onChange: (rewritten: boolean) => void): boolean {
  if (!MutationObserverNative || !observeNative || !rootOf) return false;
  const { apply } = Reflect;
  try {
    const known = watchers.get(doc);
    if (known) {
      known[known.length] = onChange;
      return true;
    }
    const callbacks = [onChange];
    let root: unknown = apply(rootOf, doc, []);
    const observer = new MutationObserverNative(() => {
      let rewritten = false;
      try {
        const now: unknown = apply(rootOf, doc, []);
        rewritten = root != null && now !== root;
        root = now;
      } catch {
        /* never throw into the page */
      }
      for (let i = 0; i < callbacks.length; i++) {
        try {
          callbacks[i]!(rewritten);
        } catch {
          /* the others still run */
        }
      }
    });
    apply(observeNative, observer, [doc, { childList: true }]);
    watchers.set(doc, callbacks);
    return true;
  } catch {
    return false;
  }
}
