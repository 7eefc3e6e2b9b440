/**
 * JSON the way model files need it read: nesting bounded before anything recurses over it, and one
 * error message for invalid JSON whatever JavaScript engine runs us.
 *
 * V8's JSON.parse is iterative and takes any depth, but JSON.stringify, structured cloning (page ↔
 * Node) and our own config walkers recurse, so a config nested 100000 levels deep used to end in
 * "Maximum call stack size exceeded" somewhere after parsing. The depth is measured here with a
 * loop, on the text or on the parsed value, and refused with a ModelFormatError that names the limit.
 *
 * JSON.parse's messages differ between V8 versions (Node's and Chromium's disagree on the same
 * bytes), so a parse failure is described by our own scan: the line, column and what was found.
 */
import { ModelFormatError } from '../errors.ts';
import { DEFAULT_LIMITS, howToRaise } from '../limits.ts';

/**
 * Parses `text` (a leading BOM is dropped) after checking its nesting depth.
 * @throws ModelFormatError `<name> is not valid JSON: …` or `<name> nests … deeper than …`.
 */
export function parseJson(text: string, name: string, maxDepth: number = DEFAULT_LIMITS.maxConfigDepth): unknown {
  const body = text.replace(/^\uFEFF/, '');
  checkDepth(textDepth(body), name, maxDepth);
  try {
    return JSON.parse(body);
  } catch (cause) {
    throw new ModelFormatError(`${name} is not valid JSON: ${syntaxProblem(body)}`, { cause });
  }
}

/** Throws when a value someone else parsed (an architecture object, a modelJson) nests deeper than `maxDepth`. */
export function checkValueDepth(value: unknown, name: string, maxDepth: number = DEFAULT_LIMITS.maxConfigDepth): void {
  checkDepth(valueDepth(value, maxDepth), name, maxDepth);
}

function checkDepth(depth: number, name: string, maxDepth: number): void {
  if (depth > maxDepth) {
    throw new ModelFormatError(
      `${name} nests objects and arrays more than ${maxDepth} levels deep (no Keras config comes near that; ${howToRaise('maxConfigDepth')})`,
    );
  }
}

/** Deepest nesting of `{`/`[` outside strings: one pass, no recursion. */
export function textDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Nesting depth of a parsed value, with an explicit stack; stops counting past `stopAt` + 1. */
function valueDepth(value: unknown, stopAt: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) max = d;
    if (max > stopAt) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
  return max;
}

/**
 * What is wrong with text JSON.parse refused, at "line L, column C" (1-based): found by a small
 * validating scan (iterative, so deep text is fine), not by V8's message, which varies by version.
 */
export function syntaxProblem(text: string): string {
  const at = (i: number): string => {
    let line = 1;
    let col = 1;
    for (let k = 0; k < i; k++) {
      if (text.charCodeAt(k) === 0x0a) {
        line++;
        col = 1;
      } else col++;
    }
    return `line ${line}, column ${col}`;
  };
  const found = (i: number): string =>
    i >= text.length ? `the text ends early (${at(i)})` : `unexpected ${JSON.stringify(text[i])} at ${at(i)}`;
  // States: a value is expected, or what may follow one inside the container on top of the stack.
  const stack: ('{' | '[')[] = [];
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const HEX4 = /[0-9a-fA-F]{4}/y;
  // A string (scanned by hand: a regex over a megabyte-long string can exhaust its backtracking), number or keyword.
  const literal = (): boolean => {
    if (text[i] !== '"') {
      SCALAR.lastIndex = i;
      if (!SCALAR.test(text)) return false;
      i = SCALAR.lastIndex;
      return true;
    }
    for (i++; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[++i];
        if (e === 'u') {
          HEX4.lastIndex = i + 1;
          if (!HEX4.test(text)) return false;
          i += 4;
        } else if (!e || !'"\\/bfnrt'.includes(e)) return false;
      }
    }
    return false;
  };
  let expectValue = true;
  for (;;) {
    ws();
    if (expectValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        ws();
        if (text[i] === (c === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          expectValue = false;
          if (stack.length === 0) break;
          continue;
        }
        if (c === '{') {
          if (text[i] !== '"' || !literal()) return found(i);
          ws();
          if (text[i] !== ':') return found(i);
          i++;
        }
        continue;
      }
      if (!literal()) return found(i);
      expectValue = false;
      if (stack.length === 0) break;
      continue;
    }
    const top = stack[stack.length - 1];
    const c = text[i];
    if (c === ',') {
      i++;
      if (top === '{') {
        ws();
        if (text[i] !== '"' || !literal()) return found(i);
        ws();
        if (text[i] !== ':') return found(i);
        i++;
      }
      expectValue = true;
      continue;
    }
    if ((top === '{' && c === '}') || (top === '[' && c === ']')) {
      stack.pop();
      i++;
      if (stack.length === 0) break;
      continue;
    }
    return found(i);
  }
  ws();
  return i < text.length ? `unexpected ${JSON.stringify(text[i])} after the end of the document at ${at(i)}` : 'it does not parse';
}
