/**
 * A strict, linear-time JSON scanner (RFC 8259). It validates the text without building values, so
 * a KV value can be kept as the exact text the client sent (numbers of any size, key order,
 * "\u0000"), and it reports where the top-level object's members are, so a PUT body's `value`
 * can be stored as its raw source span. It is iterative: nesting cannot overflow the stack.
 *
 * Stricter than JSON.parse in two ways, both refused rather than guessed at: duplicate keys in any
 * object (`{"a":1,"a":2}` means different things to different parsers), and nesting deeper than
 * `maxDepth`.
 */

export const MAX_JSON_DEPTH = 512;

/** A member of the top-level object: its decoded name and its value's raw span [start, end). */
export interface JsonMember {
  name: string;
  start: number;
  end: number;
}

export type JsonScan =
  | { ok: true; start: number; end: number; members: JsonMember[] | null }
  | { ok: false; kind: "syntax" | "duplicate" | "depth"; message: string; at: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

class ScanError {
  constructor(
    readonly kind: "syntax" | "duplicate" | "depth",
    readonly message: string,
    readonly at: number,
  ) {}
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function skipWhitespace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

function describe(text: string, i: number): string {
  if (i >= text.length) return "unexpected end of JSON";
  return `unexpected ${JSON.stringify(text[i])} at position ${i}`;
}

function syntax(text: string, i: number): ScanError {
  return new ScanError("syntax", describe(text, i), i);
}

/** Set by scanString: whether the last string scanned had escapes (no object allocated per string). */
let lastStringEscaped = false;

/** The index just past the string that starts (with its quote) at `i`. */
function scanString(text: string, i: number): number {
  lastStringEscaped = false;
  i++;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      lastStringEscaped = true;
      const e = text.charCodeAt(i + 1);
      if (e === 0x75 /* u */) {
        for (let k = 2; k < 6; k++) if (!isHex(text.charCodeAt(i + k))) throw syntax(text, i + k);
        i += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
      } else {
        throw syntax(text, i + 1);
      }
    } else if (c < 0x20 || Number.isNaN(c)) {
      // Raw control characters (and the end of the text) are not allowed inside a string.
      throw i >= text.length ? new ScanError("syntax", "unterminated string", i) : new ScanError("syntax", `control character in a string at position ${i} (escape it)`, i);
    } else {
      i++;
    }
  }
}

function scanNumber(text: string, i: number): number {
  if (text.charCodeAt(i) === MINUS) i++;
  if (text.charCodeAt(i) === ZERO) i++;
  else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
  else throw syntax(text, i);
  if (text.charCodeAt(i) === DOT) {
    i++;
    if (!isDigit(text.charCodeAt(i))) throw syntax(text, i);
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === PLUS || sign === MINUS) i++;
    if (!isDigit(text.charCodeAt(i))) throw syntax(text, i);
    while (isDigit(text.charCodeAt(i))) i++;
  }
  return i;
}

function scanLiteral(text: string, i: number, word: string): number {
  if (!text.startsWith(word, i)) {
    let k = 0;
    while (k < word.length && text.charCodeAt(i + k) === word.charCodeAt(k)) k++;
    throw syntax(text, i + k);
  }
  return i + word.length;
}

/** Scans `text` as exactly one JSON value (whitespace around it allowed). */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonScan {
  try {
    return scan(text, maxDepth);
  } catch (error) {
    if (error instanceof ScanError) return { ok: false, kind: error.kind, message: error.message, at: error.at };
    throw error;
  }
}

function scan(text: string, maxDepth: number): JsonScan {
  // Open containers, innermost last: the key set for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let members: JsonMember[] | null = null;
  let memberName = "";
  let memberStart = 0;
  let duplicate: ScanError | undefined;
  let i = skipWhitespace(text, 0);
  const start = i;

  /** Reads `"name" :` at i (after whitespace), checks it is new in the innermost object, returns the index after the colon. */
  const readKey = (at: number): number => {
    at = skipWhitespace(text, at);
    if (text.charCodeAt(at) !== QUOTE) throw syntax(text, at);
    const end = scanString(text, at);
    const name = lastStringEscaped ? (JSON.parse(text.slice(at, end)) as string) : text.slice(at + 1, end - 1);
    const keys = open[open.length - 1]!;
    // Reported after the whole text scanned clean, so a text that is not JSON at all says so.
    if (keys.has(name)) duplicate ??= new ScanError("duplicate", `duplicate key ${JSON.stringify(name)} at position ${at} (keys must be unique)`, at);
    keys.add(name);
    if (open.length === 1) memberName = name;
    at = skipWhitespace(text, end);
    if (text.charCodeAt(at) !== COLON) throw syntax(text, at);
    return at + 1;
  };

  for (;;) {
    // A value starts at i (after whitespace).
    i = skipWhitespace(text, i);
    if (open.length === 1 && members) memberStart = i;
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (open.length >= maxDepth) throw new ScanError("depth", `nested more than ${maxDepth} levels deep at position ${i}`, i);
      const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      const next = skipWhitespace(text, i + 1);
      if (text.charCodeAt(next) === close) {
        i = next + 1; // empty: a complete value
      } else {
        open.push(c === OPEN_BRACE ? new Set() : null);
        if (open.length === 1 && c === OPEN_BRACE) members = [];
        i = c === OPEN_BRACE ? readKey(i + 1) : i + 1;
        continue;
      }
    } else if (c === QUOTE) {
      i = scanString(text, i);
    } else if (c === MINUS || isDigit(c)) {
      i = scanNumber(text, i);
    } else if (c === 0x74) {
      i = scanLiteral(text, i, "true");
    } else if (c === 0x66) {
      i = scanLiteral(text, i, "false");
    } else if (c === 0x6e) {
      i = scanLiteral(text, i, "null");
    } else {
      throw syntax(text, i);
    }
    // A value ended at i: close what it completes, until a comma asks for the next value.
    for (;;) {
      if (open.length === 1 && members) members.push({ name: memberName, start: memberStart, end: i });
      if (open.length === 0) {
        const end = i;
        i = skipWhitespace(text, i);
        if (i < text.length) throw new ScanError("syntax", `unexpected ${JSON.stringify(text[i])} after the JSON value at position ${i}`, i);
        if (duplicate) throw duplicate;
        return { ok: true, start, end, members };
      }
      i = skipWhitespace(text, i);
      const d = text.charCodeAt(i);
      const keys = open[open.length - 1]!;
      if (d === COMMA) {
        i = keys ? readKey(i + 1) : i + 1;
        break;
      }
      if (d !== (keys ? CLOSE_BRACE : CLOSE_BRACKET)) throw syntax(text, i);
      open.pop();
      i++;
    }
  }
}
