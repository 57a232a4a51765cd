// Types of index.mjs, for TypeScript tests that start the demo.

export declare const DEMO_API_KEY: string;
export declare const DEMO_ENDPOINT: string;
/** '/nexus/v3/chat/sessions' */
export declare const SESSIONS_PATH: string;
/** The cookie name the cross-domain pages (xdomain.html, steal.html) use. */
export declare const SESSION_COOKIE_NAME: string;

/** A message of the chat stream, as the chat API returns it. */
export interface ChatMessage {
  type: 'Text' | 'ParticipantJoined' | 'ParticipantLeft' | 'System' | string;
  /** "<ms>-<n>" */
  index: string;
  id: string;
  utcTime: string;
  from: { type: 'Customer' | 'Agent' | 'System' | string; nickname?: string; participantId: string };
  text?: string;
  /** System messages only */
  event?: 'InteractionStateChange';
  data?: { interactionState: string };
  visibility?: 'All';
  streamId?: string;
}

export interface AgentSession {
  id: string;
  participantId: string;
  transportId: string;
  nickname: string;
  firstName: string;
  lastName: string;
  email: string;
  endpoint: string;
  userData: Record<string, unknown>;
  createdAt: string;
  ended: boolean;
  endedBy: 'agent' | 'customer' | null;
  customerTyping: boolean;
  agentJoined: boolean;
  agentNickname: string;
  /** Number of interactions (segments) started so far. */
  segment: number;
  interactionState: string | null;
  malformedNextPoll: boolean;
  messages: ChatMessage[];
}

export interface DemoUrls {
  /** http://localhost:P */
  domainA: string;
  /** http://127.0.0.1:P */
  domainB: string;
  /** http://[::1]:P */
  iframeHost: string;
  /** http://127.0.0.2:P */
  untrusted: string;
  /** http://127.0.0.1:A (the chat API's origin) */
  api: string;
  /** http://127.0.0.1:A/agent */
  agent: string;
}

export interface Demo {
  sitePort: number;
  apiPort: number;
  urls: DemoUrls;
  apiKey: string;
  /** Agent controls on the in-memory store (same as /agent/api). Throw on an unknown or ended session. */
  agent: {
    sessions(): AgentSession[];
    session(id: string): AgentSession;
    join(id: string, nickname?: string): AgentSession;
    say(id: string, text: string): AgentSession;
    /** 'Active' (new segment), 'Finalizing', 'Completed', or any other word. */
    setState(id: string, state: string): AgentSession;
    end(id: string): AgentSession;
    malformedNextPoll(id: string): AgentSession;
  };
  close(): Promise<void>;
}

export interface DemoOptions {
  /** Sites port (0: a port free on 127.0.0.1, ::1 and 127.0.0.2). */
  port?: number;
  /** Chat API + agent console port (0: a port free on 127.0.0.1 and ::1). */
  apiPort?: number;
  /** Where the built standalone scripts are (default <repo>/$CX_LENS_DIST or <repo>/dist). */
  distDir?: string;
  /** How long a long poll is held when there is nothing new (default 2500 ms). */
  pollTimeoutMs?: number;
}

export declare function startDemo(options?: DemoOptions): Promise<Demo>;
export declare function defaultDistDir(): string;
