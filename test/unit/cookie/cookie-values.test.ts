// Cookie values as the real Widgets 9.0 runtime writes them (js-cookie's encoding), read back by
// decodeCookieJson / sessionTokenOf, and the session fingerprint the channel hook reports.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCookieJson, fingerprint, readCookie, sessionTokenOf } from '../../../src/cookie/cookie-values';
import { cookieFacts, sessionFingerprint } from '../../../src/page/channel-tap';

// document.cookie on domain A of the guide's cross-domain sample, right after the agent's first
// message, on the real runtime (token of the emulated server, of the real shape).
const REAL_DOCUMENT_COOKIE =
  '_genesys.widgets.webchat.state.open=true; _genesys.widgets.webchat.state.pureengage-v3-rest.session=1161ccf3-2e21-4aed-8c1e-b849c888c964; _genesys.widgets.app.autoLoadList={%22WebChatService%22:true%2C%22WebChat%22:true}; _genesys.widgets.webchat.state.pureengage-v3-rest.index=17000000000030; customer-defined-session-cookie={%22messageIndex%22:%2217000000000030%22%2C%22token%22:%22eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uSWQiOiIxMTYxY2NmMy0yZTIxLTRhZWQtOGMxZS1iODQ5Yzg4OGM5NjQiLCJ0cmFuc3BvcnRJZCI6InQxIiwicGFydGljaXBhbnRJZCI6ImQ0OGZhMDFkLWYxZjgtNGI4NS1hY2QwLWRhZGEwM2EwZDNjMCJ9.sig%22}; _genesys.widgets.webchat.metaData={%22proactive%22:false%2C%22proactiveData%22:false%2C%22prefilled%22:true%2C%22autoSubmitted%22:true%2C%22coBrowseInitiated%22:false%2C%22filesUploaded%22:0%2C%22numAgents%22:1%2C%22userMessages%22:0%2C%22agentMessages%22:0%2C%22systemMessages%22:1%2C%22errors%22:false%2C%22opened%22:1795840844561%2C%22started%22:1795840844703%2C%22cancelled%22:false%2C%22rejected%22:false%2C%22completed%22:false%2C%22closed%22:false%2C%22elapsed%22:483%2C%22waitingForAgent%22:341%2C%22agentReached%22:1795840845044%2C%22botReached%22:false%2C%22supervisorReached%22:false%2C%22form%22:{}%2C%22id%22:%22576ba4ed-00ea5-27017-28967-992ac21db3958b%22}';
const SESSION_COOKIE = 'customer-defined-session-cookie';
const REAL_SESSION_VALUE =
  '{%22messageIndex%22:%2217000000000030%22%2C%22token%22:%22eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uSWQiOiIxMTYxY2NmMy0yZTIxLTRhZWQtOGMxZS1iODQ5Yzg4OGM5NjQiLCJ0cmFuc3BvcnRJZCI6InQxIiwicGFydGljaXBhbnRJZCI6ImQ0OGZhMDFkLWYxZjgtNGI4NS1hY2QwLWRhZGEwM2EwZDNjMCJ9.sig%22}';
const TOKEN =
  'eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uSWQiOiIxMTYxY2NmMy0yZTIxLTRhZWQtOGMxZS1iODQ5Yzg4OGM5NjQiLCJ0cmFuc3BvcnRJZCI6InQxIiwicGFydGljaXBhbnRJZCI6ImQ0OGZhMDFkLWYxZjgtNGI4NS1hY2QwLWRhZGEwM2EwZDNjMCJ9.sig';
/** The same session one message later: only messageIndex differs. */
const NEXT_SESSION_VALUE = REAL_SESSION_VALUE.replace('%2217000000000030%22', '%2217000000000040%22');

describe('decodeCookieJson', () => {
  it("reads the real runtime's session cookie (js-cookie's encoding: starts with a literal {)", () => {
    expect(readCookie(REAL_DOCUMENT_COOKIE, SESSION_COOKIE)).toBe(REAL_SESSION_VALUE);
    expect(REAL_SESSION_VALUE.startsWith('{')).toBe(true);
    expect(decodeCookieJson(REAL_SESSION_VALUE)).toEqual({ messageIndex: '17000000000030', token: TOKEN });
  });

  it("reads every JSON cookie of the real document.cookie line, and no other", () => {
    const read = (name: string) => decodeCookieJson(readCookie(REAL_DOCUMENT_COOKIE, name));
    expect(read('_genesys.widgets.app.autoLoadList')).toEqual({ WebChatService: true, WebChat: true });
    expect(read('_genesys.widgets.webchat.metaData')).toMatchObject({ prefilled: true, numAgents: 1, form: {}, id: '576ba4ed-00ea5-27017-28967-992ac21db3958b' });
    expect(read('_genesys.widgets.webchat.state.open')).toBe(true);
    expect(read('_genesys.widgets.webchat.state.pureengage-v3-rest.session')).toBeUndefined(); // a bare uuid
  });

  it('reads encodeURIComponent output, raw JSON, and a quoted value', () => {
    const data = { messageIndex: '17000000000030', token: TOKEN };
    expect(decodeCookieJson(encodeURIComponent(JSON.stringify(data)))).toEqual(data);
    expect(decodeCookieJson(JSON.stringify(data))).toEqual(data);
    expect(decodeCookieJson(`"${REAL_SESSION_VALUE}"`)).toEqual(data);
    expect(decodeCookieJson('{"note":"50% off"}')).toEqual({ note: '50% off' }); // raw JSON first: its % is no escape
  });

  it('gives undefined, never an error, for values that are not JSON', () => {
    for (const value of ['%E0%A4%A', '%', '{%22a%22:%E0%A4%A}', 'plain', '', '{', '"', undefined, 42, null, 'x'.repeat(9000)]) {
      expect(decodeCookieJson(value)).toBeUndefined();
    }
  });

  it('never throws, whatever the string', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (value) => {
      decodeCookieJson(value);
      sessionFingerprint(value);
    }));
    fc.assert(fc.property(fc.jsonValue(), (json) => {
      const text = JSON.stringify(json);
      expect(decodeCookieJson(encodeURIComponent(text))).toEqual(JSON.parse(text));
    }));
  });
});

describe('sessionTokenOf and the session fingerprint', () => {
  it("names the real runtime's session by its token", () => {
    expect(sessionTokenOf(REAL_SESSION_VALUE)).toBe(TOKEN);
    expect(sessionFingerprint(REAL_SESSION_VALUE)).toBe(fingerprint(TOKEN));
  });

  it('values that differ only in messageIndex are the same session, not the same value', () => {
    expect(fingerprint(NEXT_SESSION_VALUE)).not.toBe(fingerprint(REAL_SESSION_VALUE));
    expect(sessionFingerprint(NEXT_SESSION_VALUE)).toBe(sessionFingerprint(REAL_SESSION_VALUE));
  });

  it('the encodeURIComponent and raw JSON forms of the same session agree with the js-cookie form', () => {
    const json = JSON.stringify({ messageIndex: '17000000000050', token: TOKEN });
    expect(sessionFingerprint(encodeURIComponent(json))).toBe(sessionFingerprint(REAL_SESSION_VALUE));
    expect(sessionFingerprint(json)).toBe(sessionFingerprint(REAL_SESSION_VALUE));
  });

  it('another token is another session', () => {
    const other = REAL_SESSION_VALUE.replace('.sig%22}', '.other%22}');
    expect(sessionFingerprint(other)).not.toBe(sessionFingerprint(REAL_SESSION_VALUE));
  });

  it('falls back to the raw value when there is no token to read', () => {
    expect(sessionFingerprint('%E0%A4%A')).toBe(fingerprint('%E0%A4%A'));
    expect(sessionTokenOf('%E0%A4%A')).toBeUndefined();
    for (const value of ['plain', '{%22messageIndex%22:1}', '{%22token%22:%22%22}', '[%22x%22]', '{%22token%22:7}']) {
      expect(sessionTokenOf(value)).toBeUndefined();
      expect(sessionFingerprint(value)).toBe(fingerprint(value));
    }
  });

  it('cookieFacts on the real document.cookie line: the session entry carries the token fingerprint', () => {
    const { entries } = cookieFacts(REAL_DOCUMENT_COOKIE, null);
    expect(entries.map((e) => e.name)).toEqual([
      '_genesys.widgets.webchat.state.open',
      '_genesys.widgets.webchat.state.pureengage-v3-rest.session',
      '_genesys.widgets.app.autoLoadList',
      '_genesys.widgets.webchat.state.pureengage-v3-rest.index',
      SESSION_COOKIE,
      '_genesys.widgets.webchat.metaData',
    ]);
    const session = entries.find((e) => e.name === SESSION_COOKIE)!;
    expect(session).toEqual({ name: SESSION_COOKIE, length: REAL_SESSION_VALUE.length, value: fingerprint(REAL_SESSION_VALUE), session: fingerprint(TOKEN) });
  });
});
