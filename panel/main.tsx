import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { PanelFeed } from '../src/core/panel-feed';
import type { CaptureRecord } from '../src/core/protocol';
import { connectWorker } from './port';

function App() {
  const [rows, setRows] = useState<CaptureRecord[]>([]);
  const [state, setState] = useState('connecting');
  useEffect(() => {
    const feed = new PanelFeed(chrome.devtools.inspectedWindow.tabId, connectWorker, {
      frame: () => {},
      frameGone: () => {},
      records: (_doc, records) => setRows((r) => [...r, ...records]),
      connection: (s) => setState(s),
    });
    feed.start();
    return () => feed.stop();
  }, []);
  return (
    <div>
      <div data-testid="capture-status">{state} {rows.length}</div>
      {rows.map((r) => <div data-testid="bus-row" data-kind={r.t}>{JSON.stringify(r)}</div>)}
    </div>
  );
}

render(<App />, document.getElementById('app')!);
