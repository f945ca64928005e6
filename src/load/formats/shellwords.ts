/**
 * Splitting `command` / `entrypoint` strings into words.
 *
 * compose-go `types/command.go` calls mattn/go-shellwords `Parse` with its defaults (no
 * environment expansion, no backtick execution). docker compose v5 links go-shellwords
 * **v1.0.13**, whose behaviour is reproduced here:
 *
 * - words are separated by unquoted space, tab, CR or LF;
 * - `'…'` is literal (a backslash stays a backslash); `"…"` keeps everything but a backslash
 *   escape; `''` and `""` make an empty word;
 * - outside single quotes a backslash takes the next character literally, except that `\t` and
 *   `\n` become a tab and a newline (new in v1.0.13, also inside double quotes);
 * - `$(…)` is kept literally as part of a word (quotes inside it are kept too); a `(` not
 *   preceded by `$`, or a `)` that closes nothing, is an error;
 * - backticks are kept literally and protect spaces until the closing backtick;
 * - an unquoted `;`, `&`, `|`, `<` or `>` **ends parsing**: the rest of the line is dropped
 *   (go-shellwords reports the position; compose ignores it). Before `>`, a word in progress that
 *   starts with a digit (`2>`, `2x>`) is dropped too;
 * - an unclosed quote, backtick or `$(`, or a trailing backslash, is an error,
 *   `invalid command line string`.
 */
import { LoadError } from '../errors.js';

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function invalid(): never {
  throw new LoadError('invalid command line string', { code: 'format' });
}

export function splitShellWords(line: string): string[] {
  const args: string[] = [];
  let buf = '';
  let escaped = false;
  let doubleQuoted = false;
  let singleQuoted = false;
  let backQuote = false;
  let dollarQuote = false;
  // 0: no word in progress, 1: a word in progress, 2: a word that ended with a closing quote
  let got: 0 | 1 | 2 = 0;

  loop: for (const ch of line) {
    let r = ch;
    if (escaped) {
      if (r === 't') r = '\t';
      if (r === 'n') r = '\n';
      buf += r;
      escaped = false;
      got = 1;
      continue;
    }
    if (r === '\\') {
      if (singleQuoted) buf += r;
      else escaped = true;
      continue;
    }
    if (isSpace(r)) {
      if (singleQuoted || doubleQuoted || backQuote || dollarQuote) {
        buf += r;
      } else if (got !== 0) {
        args.push(buf);
        buf = '';
        got = 0;
      }
      continue;
    }
    switch (r) {
      case '`':
        if (!singleQuoted && !doubleQuoted && !dollarQuote) backQuote = !backQuote;
        break;
      case ')':
        if (!singleQuoted && !doubleQuoted && !backQuote) {
          if (!dollarQuote) invalid();
          buf += r;
          dollarQuote = false;
          got = 1;
          continue;
        }
        break;
      case '(':
        if (!singleQuoted && !doubleQuoted && !backQuote) {
          if (!dollarQuote && buf.endsWith('$')) {
            dollarQuote = true;
            buf += '(';
            continue;
          }
          invalid();
        }
        break;
      case '"':
        if (!singleQuoted && !dollarQuote) {
          if (doubleQuoted) got = 2;
          doubleQuoted = !doubleQuoted;
          continue;
        }
        break;
      case "'":
        if (!doubleQuoted && !dollarQuote) {
          if (singleQuoted) got = 2;
          singleQuoted = !singleQuoted;
          continue;
        }
        break;
      case ';':
      case '&':
      case '|':
      case '<':
      case '>':
        if (!(singleQuoted || doubleQuoted || backQuote || dollarQuote)) {
          if (r === '>' && buf.length > 0 && buf[0] !== undefined && buf[0] >= '0' && buf[0] <= '9') got = 0;
          break loop;
        }
        break;
    }
    got = 1;
    buf += r;
  }

  if (got !== 0) args.push(buf);
  if (escaped || singleQuoted || doubleQuoted || backQuote || dollarQuote) invalid();
  return args;
}
