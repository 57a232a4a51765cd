// The shape of every record kind, checked at the panel's door (TabStore) before any view sees a
// record. Records come from the page: a look-alike batch can hold any JSON value in any field,
// and a view that trusts a field's type throws (`type.replace is not a function`) on every
// update after. Each kind lists every field a view reads, with its type; a record that does not
// match becomes a `malformed` record carrying the reason. Payload fields (`data`, `options`,
// `value`) may hold any JSON: the views walk them with bounded walks (bounded.ts).
// The check reads own fields only, walks no payload and never throws.

/** A field's check: null when it holds, else what is wrong ("not a string"). */
type FieldCheck = (v: unknown) => string | null;

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v);

const isString: FieldCheck = (v) => (typeof v === 'string' ? null : `${typeName(v)}, not a string`);
const isBoolean: FieldCheck = (v) => (typeof v === 'boolean' ? null : `${typeName(v)}, not a boolean`);
/** JSON numbers only: JSON.parse turns 1e400 into Infinity, which no field means. */
const isNumber: FieldCheck = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : typeof v === 'number' ? `${v}, not a finite number` : `${typeName(v)}, not a number`);
const anyValue: FieldCheck = () => null;
const isObject: FieldCheck = (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? null : `${typeName(v)}, not an object`);

function oneOf(...values: readonly (string | boolean)[]): FieldCheck {
  return (v) => (values.includes(v as string | boolean) ? null : `${shortText(v)}, not one of ${values.join(', ')}`);
}

function optional(check: FieldCheck): FieldCheck {
  return (v) => (v === undefined ? null : check(v));
}

function nullable(check: FieldCheck): FieldCheck {
  return (v) => (v === null ? null : check(v));
}

function either(a: FieldCheck, b: FieldCheck): FieldCheck {
  return (v) => (a(v) === null ? null : b(v));
}

/** An array of at most `max` items, each passing `item`. */
function listOf(item: FieldCheck, max = Infinity): FieldCheck {
  return (v) => {
    if (!Array.isArray(v)) return `${typeName(v)}, not an array`;
    if (v.length > max) return `${v.length} items, more than ${max}`;
    for (let i = 0; i < v.length; i++) {
      const wrong = item(v[i]);
      if (wrong) return `item ${i}: ${wrong}`;
    }
    return null;
  };
}

type Shape = Readonly<Record<string, FieldCheck>>;

/** An object whose listed fields pass their checks (other fields are left alone). */
function objectOf(shape: Shape): FieldCheck {
  return (v) => {
    const wrong = isObject(v);
    return wrong ?? fieldsWrong(v as Record<string, unknown>, shape);
  };
}

/** Fields every record has. */
const BASE: Shape = {
  seq: isNumber,
  time: isNumber,
  truncated: optional(isBoolean),
  pageMade: optional(oneOf(true)),
};

const HOOK_STATUS: Shape = {
  cxbus: oneOf('absent', 'tapped', 'untappable'),
  quickBus: isBoolean,
  plugins: listOf(isString),
  problems: listOf(isString),
  transport: optional(objectOf({ type: optional(isString), dataURL: optional(isString), asyncEnabled: optional(isBoolean) })),
  unrecorded: optional(objectOf({ count: isNumber, reason: isString })),
};

const COOKIE_ENTRY: Shape = {
  name: isString,
  length: isNumber,
  value: isString,
  session: isString,
  expires: optional(nullable(isNumber)),
};

/** Every field a view reads, per record kind (see CaptureRecord in protocol.ts). */
export const RECORD_SHAPES: Readonly<Record<string, Shape>> = {
  event: {
    name: isString,
    publisher: isString,
    via: oneOf('publish', 'publishDirect', 'republish', 'replay', 'data', 'synthetic'),
    data: anyValue,
    subscriber: optional(isString),
  },
  command: { id: isNumber, name: isString, commander: isString, options: anyValue },
  outcome: { id: isNumber, outcome: oneOf('resolved', 'rejected', 'cancelled'), value: anyValue },
  plugin: {
    action: oneOf('registerPlugin', 'registerCommand', 'registerEvents', 'before', 'subscribe', 'unsubscribe'),
    plugin: isString,
    names: listOf(isString),
    ok: isBoolean,
  },
  status: { status: objectOf(HOOK_STATUS) },
  inject: {
    feature: oneOf('finalize', 'simulate', 'cookie-provider'),
    state: oneOf('installed', 'waiting', 'fired', 'delivered', 'failed', 'removed'),
    detail: isObject,
  },
  channel: {
    direction: oneOf('in', 'out'),
    peer: oneOf('parent', 'child', 'self', 'other', 'none'),
    peerUrl: optional(isString),
    senderOrigin: isString,
    receiverOrigin: isString,
    targetOrigin: optional(isString),
    delivered: optional(isBoolean),
    channel: isBoolean,
    type: optional(isString),
    id: optional(isString),
    ok: optional(isBoolean),
    errorCode: optional(isString),
    carriesSession: isBoolean,
    data: anyValue,
  },
  'channel-gap': {
    channel: isNumber,
    other: isNumber,
    from: isNumber,
    to: isNumber,
    origins: listOf(objectOf({ origin: isString, count: isNumber }), 100),
  },
  'cookie-facts': {
    role: oneOf('page', 'iframe'),
    url: isString,
    origin: isString,
    // The hook writes the entries as strings, or the name of the type when it is no array.
    trustedDomains: optional(nullable(either(isString, listOf(isString)))),
    provider: optional(objectOf({ cookieProvider: isBoolean, extension: isBoolean, injected: isBoolean })),
    frames: optional(listOf(objectOf({ url: isString, origin: isString }), 1000)),
    cookies: listOf(objectOf(COOKIE_ENTRY), 1000),
    cookiesLeftOut: optional(isNumber),
    cookiesUnreadable: optional(isBoolean),
  },
  // What the relay or this door made of something that was no record: shown in the Bus.
  malformed: { reason: isString, name: optional(isString), value: anyValue },
};

/** Record kinds this panel knows the shape of; others are shown as they are (the Bus). */
export function isKnownKind(t: string): boolean {
  return Object.hasOwn(RECORD_SHAPES, t);
}

/**
 * Why a record does not have its kind's shape, or null when it has. A value that is not an
 * object with a string `t` is no record at all. Unknown kinds are checked for the fields every
 * record has, as far as they are there (the Bus shows them as they are).
 */
export function shapeProblem(record: unknown): string | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return `${typeName(record)}, not a record`;
  const r = record as Record<string, unknown>;
  if (!Object.hasOwn(r, 't') || typeof r.t !== 'string') return 'a record without a kind (t)';
  const shape = isKnownKind(r.t) ? RECORD_SHAPES[r.t]! : undefined;
  if (!shape) {
    for (const key of ['seq', 'time'] as const) {
      if (Object.hasOwn(r, key) && isNumber(r[key])) return `${key}: ${isNumber(r[key])}`;
    }
    return fieldsWrong(r, { truncated: BASE.truncated!, pageMade: BASE.pageMade! });
  }
  return fieldsWrong(r, BASE) ?? fieldsWrong(r, shape);
}

/** The first field of `obj` that fails its check, as `field: what is wrong`. Own fields only:
 *  a field a record lacks is undefined even if Object.prototype has it (`constructor`). */
function fieldsWrong(obj: Record<string, unknown>, shape: Shape): string | null {
  for (const key in shape) {
    const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
    const wrong = shape[key]!(value);
    if (wrong) return `${key}: ${wrong}`;
  }
  return null;
}

/** A page value in a reason: short, never walked. */
function shortText(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'object' && v !== null) return typeName(v);
  return String(v);
}
