// What the tests of the page hook share (bus-tap, bus-wrappers, bus-recorder, command-outcome):
// a fake bus, a hooked window-like object with a fake clock, and the records the hook posted.
import { expect } from 'vitest';
import { installHook } from '../../../src/page/bus-tap';
import { BATCH_INTERVAL_MS, type CaptureRecord, type EventRecord, type HookMessage, type HookStatus } from '../../../src/shared/protocol';
import { FakeClock } from '../fakes/fake-clock';
import { createFakeCXBus, type FakeCXBusOptions } from '../fakes/fake-cxbus';

export type Fn = (...args: any[]) => any;

/** The fake bus as the tap tests use it: synchronous delivery (the bus's `async: false`), so that
 *  what a test publishes is recorded at once; and, like a naive emulation, publishDirect and
 *  data(key, value) going through the interface's own publish, which the tap must not count twice. */
export function createBus(options: FakeCXBusOptions = {}) {
  const fake = createFakeCXBus({ async: false, publishesThroughInterface: true, ...options });
  return { ...fake, bus: fake.CXBus as any };
}

// ---------------------------------------------------------------------------------------------
// A window-like object and the hook's env.

/** The records of a message of the hook's port: a batch's JSON string (the hook's usual form) or
 *  objects, or the one record handed to the handle. */
export function batchRecords(batch: HookMessage): CaptureRecord[] {
  if (batch.type === 'emit') return [batch.record];
  if ('json' in batch) {
    const records = JSON.parse(batch.json) as CaptureRecord[];
    expect(records).toHaveLength(batch.count);
    return records;
  }
  return batch.records;
}

export function setup(win: any = {}) {
  const clock = new FakeClock();
  const batches: HookMessage[] = [];
  const handle = installHook(win, { ...bind(clock), send: (message) => batches.push(structuredClone(message)) });
  const records = () => {
    clock.advance(BATCH_INTERVAL_MS);
    return batches.flatMap(batchRecords);
  };
  const of = <T extends CaptureRecord['t']>(t: T) => records().filter((r) => r.t === t) as Extract<CaptureRecord, { t: T }>[];
  const events = () => of('event') as EventRecord[];
  const status = (): HookStatus => of('status').at(-1)!.status;
  return { win, clock, batches, handle, records, events, of, status };
}

export function bind(clock: FakeClock) {
  return { now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer };
}

export const names = (rs: { name: string }[]) => rs.map((r) => r.name);

/** A hooked window, then a bus assigned to its CXBus (the usual order: the hook comes first). */
export function busOnPage(options: FakeCXBusOptions = {}) {
  const t = setup();
  const fake = createBus(options);
  t.win.CXBus = fake.bus;
  return { t, bus: fake.bus, fake };
}
