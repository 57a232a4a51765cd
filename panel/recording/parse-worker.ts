// The parse worker's entry (a module worker of the panel, see off-thread.ts): one file per worker.
import { parseAndReply, type ParseReply, type ParseRequest } from '../../src/analysis/files/off-thread';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ParseRequest>) => void) | null;
  postMessage(reply: ParseReply): void;
};

scope.onmessage = (event) => {
  scope.onmessage = null;
  void parseAndReply(event.data.file, (reply) => scope.postMessage(reply));
};
