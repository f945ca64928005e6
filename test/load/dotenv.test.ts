import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDotenv, readEnvFiles } from '../../src/load/dotenv.js';
import { LoadError } from '../../src/load/errors.js';
import type { TrackedVariableUse } from '../../src/load/interpolate.js';
import type { Lookup, VariableUse } from '../../src/load/types.js';

const noShell: Lookup = () => undefined;
const shellOf =
  (env: Record<string, string>): Lookup =>
  (name) =>
    Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;

function parse(text: string, lookup: Lookup = noShell): Record<string, string> {
  return Object.fromEntries(parseDotenv(text, { file: '.env', lookup }).values);
}

function parseError(text: string, lookup: Lookup = noShell): LoadError {
  try {
    parseDotenv(text, { file: '.env', lookup });
  } catch (err) {
    expect(err).toBeInstanceOf(LoadError);
    return err as LoadError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('parseDotenv: single values (compose-go dotenv/godotenv_test.go TestParsing)', () => {
  it.each([
    ['FOO=bar', 'FOO', 'bar'],
    ['FOO =bar', 'FOO', 'bar'],
    ['FOO= bar', 'FOO', 'bar'],
    ['FOO="bar"', 'FOO', 'bar'],
    ["FOO='bar'", 'FOO', 'bar'],
    ['FOO="escaped\\"bar"', 'FOO', 'escaped"bar'],
    ['FOO="\\"quoted\\""', 'FOO', '"quoted"'],
    [`FOO="'d'"`, 'FOO', "'d'"],
    ['OPTION_A: 1', 'OPTION_A', '1'],
    ['OPTION_A: Foo=bar', 'OPTION_A', 'Foo=bar'],
    ['OPTION_A=1:B', 'OPTION_A', '1:B'],
    ['export OPTION_A=2', 'OPTION_A', '2'],
    ["export OPTION_B='\\n'", 'OPTION_B', '\\n'],
    ['export exportFoo=2', 'exportFoo', '2'],
    ['exportFOO=2', 'exportFOO', '2'],
    ['export_FOO =2', 'export_FOO', '2'],
    ['export.FOO= 2', 'export.FOO', '2'],
    ['export\tOPTION_A=2', 'OPTION_A', '2'],
    ['  export OPTION_A=2', 'OPTION_A', '2'],
    ['\texport OPTION_A=2', 'OPTION_A', '2'],
    ['export OPTION_A="export A"', 'OPTION_A', 'export A'],
    ['FOO="bar\\nbaz"', 'FOO', 'bar\nbaz'],
    ['FOO=a\\tb', 'FOO', 'a\\tb'],
    ['FOO="a\\tb"', 'FOO', 'a\tb'],
    ['KEY="Z\\aZ\\bZ\\fZ\\nZ\\rZ\\tZ\\vZ\\\\Z\\0123Z"', 'KEY', 'Z\x07Z\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ'],
    ['FOO.BAR=foobar', 'FOO.BAR', 'foobar'],
    ['FOO=foobar=', 'FOO', 'foobar='],
    ['FOO=bar ', 'FOO', 'bar'],
    ['FOO=bar # this is foo', 'FOO', 'bar'],
    ['FOO=bar #this is foo', 'FOO', 'bar'],
    ['FOO=bar #', 'FOO', 'bar'],
    ['FOO=123#not-an-inline-comment', 'FOO', '123#not-an-inline-comment'],
    ['FOO="bar#baz"', 'FOO', 'bar#baz'],
    ['FOO="bar#baz"#', 'FOO', 'bar#baz'],
    ['FOO="bar#baz" # comment', 'FOO', 'bar#baz'],
    ["FOO='bar#baz' # comment", 'FOO', 'bar#baz'],
    ['FOO="bar#baz#bang" # comment', 'FOO', 'bar#baz#bang'],
    ['FOO="ba#r"', 'FOO', 'ba#r'],
    ["FOO='ba#r'", 'FOO', 'ba#r'],
    ['FOO="bar\\n\\ b\\az"', 'FOO', 'bar\n\\ b\x07z'],
    ['FOO="bar\\\\\\n\\ b\\az"', 'FOO', 'bar\\\n\\ b\x07z'],
    ['FOO="bar\\\\r\\ b\\az"', 'FOO', 'bar\\r\\ b\x07z'],
    ['FOO="bar\\nbaz\\\\"', 'FOO', 'bar\nbaz\\'],
    ['="value"', '', 'value'],
    [' KEY =value', 'KEY', 'value'],
    ['   KEY=value', 'KEY', 'value'],
    ['\tKEY=value', 'KEY', 'value'],
    ['KEY="\\0123"', 'KEY', 'S'],
    ['KEY="\\x07"', 'KEY', '\\x07'],
    ['KEY="\\u12e4"', 'KEY', '\\u12e4'],
    ['KEY="\\U00101234"', 'KEY', '\\U00101234'],
    // compose-go TestVariableStringValueSeparator
    ['TEST_URLS="stratum+tcp://a:3333\nstratum+tcp://b:443"', 'TEST_URLS', 'stratum+tcp://a:3333\nstratum+tcp://b:443'],
  ])('%j: %s = %j', (text, key, value) => {
    expect(parse(text)).toHaveProperty([key], value);
  });
});

describe('parseDotenv: escapes and quotes (shipshape, checked against compose-go)', () => {
  it.each([
    ['A="\\$HOME"', '$HOME'],
    ['A=$$HOME', '$HOME'],
    ['A="$$HOME"', '$HOME'],
    ["A='$HOME \\n \\\\'", '$HOME \\n \\\\'],
    ["A='it\\'s'", "it's"],
    ['A=\'a\\"b\'', 'a\\"b'],
    ['A="\\\'"', "\\'"],
    ['A="\\0101\\0"', 'A\\0'],
    ['A="\\012"', '\\012'],
    ['A="\\0777"', '\\0777'],
    ['A="\\c"', '\\c'],
    ["A='line1\nline2'", 'line1\nline2'],
    ['A="x\r\ny"', 'x\r\ny'],
    ['A=  spaced out  ', 'spaced out'],
    ['A=tab\t#not a comment', 'tab\t#not a comment'],
    ['A=x\r', 'x'],
    ['A="x" junk', 'x'],
  ])('%j -> %j', (text, value) => {
    expect(parse(text).A).toBe(value);
  });

  it('starts a new statement right after a closing quote, as compose-go does', () => {
    expect(parse('A="x" B=2')).toEqual({ A: 'x', B: '2' });
    expect(parse('A="x"B\n', shellOf({ B: 'shell' }))).toEqual({ A: 'x', B: 'shell' });
  });

  it('stores a bare word at the end of the file under the empty key, as compose-go does', () => {
    expect(parse('FOO=bar\nBAZ')).toEqual({ FOO: 'bar', '': 'BAZ' });
  });
});

describe('parseDotenv: whole files (compose-go dotenv/fixtures)', () => {
  it('plain.env (TestReadPlainEnv)', () => {
    const text = 'OPTION_A=1\nOPTION_B=2\nOPTION_C= 3\nOPTION_D =4\nOPTION_E = 5\n456 = ABC\nOPTION_F = \nOPTION_G=\nOPTION_H = my string # Inline comment\n';
    expect(parse(text)).toEqual({
      OPTION_A: '1',
      OPTION_B: '2',
      OPTION_C: '3',
      OPTION_D: '4',
      OPTION_E: '5',
      // compose-go's Read drops keys starting with a digit; --env-file (GetEnvFromFile) keeps them
      '456': 'ABC',
      OPTION_F: '',
      OPTION_G: '',
      OPTION_H: 'my string',
    });
  });

  it('quoted.env (TestLoadQuotedEnv)', () => {
    const text = [
      "OPTION_A='1'",
      "OPTION_B='2'",
      "OPTION_C=''",
      "OPTION_D='\\n'",
      'OPTION_E="1"',
      'OPTION_F="2"',
      'OPTION_G=""',
      'OPTION_H="\\n"',
      'OPTION_I = "echo \'asd\'" # Inline comment',
      "OPTION_J = 'first line",
      'second line',
      'third line',
      "and so on'",
      "OPTION_K='Let\\'s go!'",
      'OPTION_Z = "last value"',
      '',
    ].join('\n');
    expect(parse(text)).toEqual({
      OPTION_A: '1',
      OPTION_B: '2',
      OPTION_C: '',
      OPTION_D: '\\n',
      OPTION_E: '1',
      OPTION_F: '2',
      OPTION_G: '',
      OPTION_H: '\n',
      OPTION_I: "echo 'asd'",
      OPTION_J: 'first line\nsecond line\nthird line\nand so on',
      OPTION_K: "Let's go!",
      OPTION_Z: 'last value',
    });
  });

  it('unquoted.env (TestLoadUnquotedEnv)', () => {
    const text = [
      'OPTION_A = "some quoted phrase"',
      'OPTION_B=first one with an unquoted phrase',
      'OPTION_C = then another one with an unquoted phrase',
      'OPTION_D = then another one with an unquoted phrase special è char',
      'OPTION_E = "then another one quoted phrase"',
    ].join('\n');
    expect(parse(text)).toEqual({
      OPTION_A: 'some quoted phrase',
      OPTION_B: 'first one with an unquoted phrase',
      OPTION_C: 'then another one with an unquoted phrase',
      OPTION_D: 'then another one with an unquoted phrase special è char',
      OPTION_E: 'then another one quoted phrase',
    });
  });

  it('exported.env, equals.env, special.env (TestLoadExportedEnv, TestLoadEqualsEnv, TestDash)', () => {
    expect(parse("export OPTION_A=2\nexport OPTION_B='\\n'\n")).toEqual({ OPTION_A: '2', OPTION_B: '\\n' });
    expect(parse("export OPTION_A='postgres://localhost:5432/database?sslmode=disable'\n\n")).toEqual({
      OPTION_A: 'postgres://localhost:5432/database?sslmode=disable',
    });
    expect(parse('VAR.WITH.DOTS=dots\nVAR_WITH_UNDERSCORES=underscores\nVAR-WITH-DASHES=dashes\n')).toEqual({
      'VAR.WITH.DOTS': 'dots',
      VAR_WITH_UNDERSCORES: 'underscores',
      'VAR-WITH-DASHES': 'dashes',
    });
  });

  it('utf8-bom.env (TestUTF8BOM)', () => {
    expect(parse('\uFEFFOPTION_A=1\nOPTION_B=2\n')).toEqual({ OPTION_A: '1', OPTION_B: '2' });
  });

  it('non-ASCII keys and bracketed keys (parser_test.go TestParseBytes)', () => {
    const text = '\na=b\na[1]=c\na.propertyKey=d\nárvíztűrő-TÜKÖRFÚRÓGÉP=ÁRVÍZTŰRŐ-tükörfúrógép\n';
    expect(parse(text)).toEqual({ a: 'b', 'a[1]': 'c', 'a.propertyKey': 'd', 'árvíztűrő-TÜKÖRFÚRÓGÉP': 'ÁRVÍZTŰRŐ-tükörfúrógép' });
  });

  it.each([['\n'], ['\r\n'], ['\t\t '], ['# Comment'], ['\t # comment'], ['']])(
    'ignores %j (TestLinesToIgnore)',
    (text) => {
      expect(parse(text)).toEqual({});
    },
  );
});

describe('parseDotenv: interpolation', () => {
  it.each([
    // compose-go TestExpanding
    ['FOO=test\nBAR=$FOO', { FOO: 'test', BAR: 'test' }],
    ['FOO=test\nBAR=${FOO}bar', { FOO: 'test', BAR: 'testbar' }],
    ['BAR=$FOO', { BAR: '' }],
    ['FOO=test\nBAR="quote $FOO"', { FOO: 'test', BAR: 'quote test' }],
    ["BAR='quote $FOO'", { BAR: 'quote $FOO' }],
    ['FOO="foo\\$BAR"', { FOO: 'foo$BAR' }],
    ['FOO="foo\\${BAR}"', { FOO: 'foo${BAR}' }],
    ['FOO=test\nBAR="foo\\${FOO} ${FOO}"', { FOO: 'test', BAR: 'foo${FOO} test' }],
    // compose-go fixtures/substitutions.env (TestSubstitutions)
    [
      'OPTION_A=1\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\nOPTION_D=${OPTION_A}_${OPTION_B}\nOPTION_E=${OPTION_NOT_DEFINED}\n',
      { OPTION_A: '1', OPTION_B: '1', OPTION_C: '1', OPTION_D: '1_1', OPTION_E: '' },
    ],
    // later keys are not visible to earlier lines
    ['A=$B\nB=1', { A: '', B: '1' }],
  ])('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it('looks in the shell first (TestSubstitutionsWithEnvFilePrecedence)', () => {
    const text = 'OPTION_A=1\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\nOPTION_D=${OPTION_A}_${OPTION_B}\nOPTION_E=${OPTION_NOT_DEFINED}\n';
    expect(parse(text, shellOf({ OPTION_A: '5' }))).toEqual({ OPTION_A: '1', OPTION_B: '5', OPTION_C: '5', OPTION_D: '5_5', OPTION_E: '' });
  });

  it('applies defaults with the shell first (TestSubstitutionsWithEnvFileDefaultValuePrecedence and ...UnsetVar...)', () => {
    const text = 'OPTION_A=${OPTION_A:-1}\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\nOPTION_D=${OPTION_A}_${OPTION_B}\nOPTION_E=${OPTION_NOT_DEFINED}\n';
    expect(parse(text, shellOf({ OPTION_A: '5' }))).toEqual({ OPTION_A: '5', OPTION_B: '5', OPTION_C: '5', OPTION_D: '5_5', OPTION_E: '' });
    expect(parse(text)).toEqual({ OPTION_A: '1', OPTION_B: '1', OPTION_C: '1', OPTION_D: '1_1', OPTION_E: '' });
  });

  it('uses the lookup for a bare key (TestExpandingEnvironmentWithLookup, inherited-*.env)', () => {
    expect(parse('TEST=$ME', shellOf({ ME: 'YES' }))).toEqual({ TEST: 'YES' });
    const shell = shellOf({ VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' });
    expect(parse('foo=bar\nVAR_TO_BE_LOADED_FROM_OS_ENV\nbar=baz\n', shell)).toEqual({
      foo: 'bar',
      VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE',
      bar: 'baz',
    });
    expect(parse('VARIABLE_NOT_FOUND\n')).toEqual({});
    expect(parse('EMPTY\n', shellOf({ EMPTY: '' }))).toEqual({ EMPTY: '' });
  });

  it('fails on a missing required variable (godotenv_var_expansion_test.go TestErrorIfEmptyOrUnset)', () => {
    const env = shellOf({ EMPTY_VAR: '', TEST_VAR: 'Test Value' });
    expect(parseError('RESULT=${UNSET_VAR:?Test error}', env).message).toBe('required variable UNSET_VAR is missing a value: Test error');
    expect(parseError('RESULT=${EMPTY_VAR:?Test error}', env).message).toBe('required variable EMPTY_VAR is missing a value: Test error');
    expect(parse('RESULT=${EMPTY_VAR?Test error}', env)).toEqual({ RESULT: '' });
    expect(parseError('X="${"').message).toBe('Invalid template: "${"');
  });

  it('records uses and warnings', () => {
    const uses: VariableUse[] = [];
    const warnings: string[] = [];
    parseDotenv('A=1\n\nB="${A:-x}-$MISSING"\nC=\'$NOT_A_USE\'\n', { file: '/p/.env', lookup: noShell, uses, warnings });
    expect((uses as TrackedVariableUse[]).map((u) => [u.name, u.operator, u.path, u.origin?.line, u.evaluated])).toEqual([
      ['A', ':-', 'B', 3, true],
      ['MISSING', '', 'B', 3, true],
    ]);
    expect(warnings).toEqual(['The "MISSING" variable is not set. Defaulting to a blank string.']);
  });
});

describe('parseDotenv: errors', () => {
  it('rejects a bad character in a key (parser_test.go TestParseVariable)', () => {
    const err = parseError('%!(EXTRA string)=foo');
    expect(err.message).toBe('line 1: unexpected character "%" in variable name "%!(EXTRA string)=foo"');
    expect(err.origin).toEqual({ file: '.env', line: 1, column: 1 });
    expect(parseError('lol$wut').message).toBe('line 1: unexpected character "$" in variable name "lol$wut"');
    expect(parseError('A=1\n\n  B$C=2').origin).toEqual({ file: '.env', line: 3, column: 4 });
  });

  it('rejects a key with a space (TestErrorParsing, fixtures/invalid1.env)', () => {
    const text = '# some comments\nfoo="\n  a\n  multine\n  value\n"\nINVALID LINE\nzot=qix';
    const err = parseError(text);
    expect(err.message).toBe('line 7: key cannot contain a space');
    expect(err.origin?.line).toBe(7);
  });

  it.each([['KEY="'], ['KEY="value'], ['KEY="value\\"'], ["KEY=\"value'"], ["KEY='"], ["KEY='value"], ["KEY='value\\'"], ['KEY=\'value"']])(
    'rejects the unterminated quote in %j (TestUnterminatedQuotes)',
    (text) => {
      expect(parseError(text).message).toContain('unterminated quoted value');
    },
  );

  it("words an unterminated quote as compose-go does (its line counter runs to the end of the file)", () => {
    const err = parseError('A=1\nB="abc\nC=2\n');
    expect(err.message).toBe('line 4: unterminated quoted value "abc');
    expect(err.origin).toEqual({ file: '.env', line: 2, column: 3 });
  });

  it('rejects `export` followed by nothing', () => {
    expect(parseError('export ').message).toBe('zero length string');
  });
});

describe('parseDotenv: origins', () => {
  it('gives the position of each key', () => {
    const { origins } = parseDotenv('# c\nA=1\n  export B="x\ny"\nC: 3', { file: '/p/.env', lookup: noShell });
    expect(Object.fromEntries(origins)).toEqual({
      A: { file: '/p/.env', line: 2, column: 1 },
      B: { file: '/p/.env', line: 3, column: 10 },
      C: { file: '/p/.env', line: 5, column: 1 },
    });
  });
});

describe('readEnvFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-dotenv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Uint8Array): string => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it('lets a later file win and see earlier ones (dotenv/godotenv_test.go TestMultipleFiles)', () => {
    const base = write('base.env', '\nENV_HOSTNAME=localhost\nENV_MY_URL="http://${ENV_HOSTNAME}"\n');
    const override = write('override.env', '\nENV_HOSTNAME=dev.my-company.com\nENV_MY_URL="http://${ENV_HOSTNAME}"\n');
    const plain = readEnvFiles([base, override], noShell);
    expect(Object.fromEntries(plain.values)).toEqual({ ENV_HOSTNAME: 'dev.my-company.com', ENV_MY_URL: 'http://dev.my-company.com' });
    expect(plain.origins.get('ENV_HOSTNAME')).toEqual({ file: override, line: 2, column: 1 });
    const shell = readEnvFiles([base, override], shellOf({ ENV_HOSTNAME: 'host.local' }));
    expect(Object.fromEntries(shell.values)).toEqual({ ENV_HOSTNAME: 'dev.my-company.com', ENV_MY_URL: 'http://host.local' });
  });

  it('lets a bare key in a later file take an earlier file value', () => {
    const a = write('a.env', 'X=1\n');
    const b = write('b.env', 'X\nY=${X}2\n');
    expect(Object.fromEntries(readEnvFiles([a, b], noShell).values)).toEqual({ X: '1', Y: '12' });
  });

  it('resolves relative paths from cwd', () => {
    write('rel.env', 'R=1');
    expect(readEnvFiles(['rel.env'], noShell, { cwd: dir }).values.get('R')).toBe('1');
  });

  it('reports a missing file with its absolute path', () => {
    expect(() => readEnvFiles(['nope.env'], noShell, { cwd: dir })).toThrow(`couldn't find env file: ${join(dir, 'nope.env')}`);
  });

  it('reports a directory (TestGetEnvFromFile)', () => {
    const sub = join(dir, '.env');
    mkdirSync(sub);
    expect(() => readEnvFiles([sub], noShell)).toThrow(`${sub} is a directory`);
  });

  it('rejects binary and non-UTF-8 files', () => {
    const bin = write('bin.env', new Uint8Array([0x41, 0x3d, 0x00, 0x0a]));
    expect(() => readEnvFiles([bin], noShell)).toThrow(`failed to read ${bin}: binary file (it contains a NUL byte)`);
    const latin1 = write('latin1.env', new Uint8Array([0x41, 0x3d, 0xe9, 0x0a]));
    expect(() => readEnvFiles([latin1], noShell)).toThrow(`failed to read ${latin1}: not valid UTF-8 text`);
  });

  it('strips a UTF-8 BOM', () => {
    const bom = write('bom.env', new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('OPTION_A=1\n')]));
    expect(Object.fromEntries(readEnvFiles([bom], noShell).values)).toEqual({ OPTION_A: '1' });
  });

  it('prefixes parse errors with the file and keeps the origin', () => {
    const bad = write('bad.env', 'OK=1\nBAD KEY=2\n');
    try {
      readEnvFiles([bad], noShell);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LoadError);
      expect((err as LoadError).message).toBe(`failed to read ${bad}: line 2: key cannot contain a space`);
      expect((err as LoadError).origin).toEqual({ file: bad, line: 2, column: 1 });
    }
  });
});
