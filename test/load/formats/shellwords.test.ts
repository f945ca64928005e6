import { describe, expect, it } from 'vitest';
import { LoadError } from '../../../src/load/errors.js';
import { splitShellWords } from '../../../src/load/formats/shellwords.js';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('splitShellWords', () => {
  // mattn/go-shellwords v1.0.13 shellwords_test.go testcases (TestSimple)
  it.each<[string, string[]]>([
    ['', []],
    ['""', ['']],
    ["''", ['']],
    ['var --bar=baz', ['var', '--bar=baz']],
    ['var --bar="baz"', ['var', '--bar=baz']],
    ['var "--bar=baz"', ['var', '--bar=baz']],
    [`var "--bar='baz'"`, ['var', "--bar='baz'"]],
    ['var --bar=`baz`', ['var', '--bar=`baz`']],
    [`var "--bar=\\"baz'"`, ['var', `--bar="baz'`]],
    [`var "--bar=\\'baz\\'"`, ['var', "--bar='baz'"]],
    [`var --bar='\\'`, ['var', '--bar=\\']],
    ['var "--bar baz"', ['var', '--bar baz']],
    ['var --"bar baz"', ['var', '--bar baz']],
    ['var  --"bar baz"', ['var', '--bar baz']],
    ['a "b"', ['a', 'b']],
    ['a " b "', ['a', ' b ']],
    ['a "   "', ['a', '   ']],
    ["a 'b'", ['a', 'b']],
    ["a ' b '", ['a', ' b ']],
    ["a '   '", ['a', '   ']],
    ['foo bar\\  ', ['foo', 'bar ']],
    [`foo "" bar ''`, ['foo', '', 'bar', '']],
    ['foo \\\\', ['foo', '\\']],
    ['foo \\& bar', ['foo', '&', 'bar']],
    [`sh -c "printf 'Hello\\tworld\\n'"`, ['sh', '-c', "printf 'Hello\tworld\n'"]],
  ])('TestSimple %j', (line, want) => {
    expect(splitShellWords(line)).toEqual(want);
  });

  // go-shellwords TestError and shellwords_security_test.go (default parser)
  it.each(["foo '", 'foo "', 'foo `', ')a b)c d', 'foo \\', 'a (b', 'x $(a $(b)) y', 'x $(a (b)) y', '$(unclosed'])(
    'error %j',
    (line) => {
      expect(errorOf(() => splitShellWords(line))).toBe('invalid command line string');
    },
  );

  // go-shellwords shellwords_security_test.go TestDollarParenLiteralWhenParseBacktickDisabled
  it('keeps $(…) literally, quotes included', () => {
    expect(splitShellWords('$(echo "foo")')).toEqual(['$(echo "foo")']);
    expect(splitShellWords('echo bar=$(echo 200)cm')).toEqual(['echo', 'bar=$(echo 200)cm']);
  });

  // reference §8.1 and behaviour checked against go-shellwords v1.0.13 built with Go 1.19
  it.each<[string, string[]]>([
    ["sh -c 'echo hi'", ['sh', '-c', 'echo hi']],
    ['echo "$HOME" ${X}', ['echo', '$HOME', '${X}']],
    ['echo `a b` c', ['echo', '`a b`', 'c']],
    ['a\\nb', ['a\nb']],
    ['"a\\nb"', ['a\nb']],
    ["'a\\nb'", ['a\\nb']],
    [`a 'b"c' d`, ['a', 'b"c', 'd']],
    [`a "b'c" d`, ['a', "b'c", 'd']],
    ['a"b"c', ['abc']],
    ['  lead  and\ttrail \n', ['lead', 'and', 'trail']],
    ['echo a; echo b', ['echo', 'a']],
    ["sh -c 'echo hi && echo bye'", ['sh', '-c', 'echo hi && echo bye']],
    ['sh -c echo hi && echo bye', ['sh', '-c', 'echo', 'hi']],
    ['a || b', ['a']],
    ['cat < in', ['cat']],
    ['echo 2>/dev/null', ['echo']],
    ['echo 2x>b', ['echo']],
    ['echo a>b', ['echo', 'a']],
    ['echo "a;b" c', ['echo', 'a;b', 'c']],
    ['npm run start -- --port=3000', ['npm', 'run', 'start', '--', '--port=3000']],
  ])('%j', (line, want) => {
    expect(splitShellWords(line)).toEqual(want);
  });
});
