import { parseQuery } from './catalog';
import { parseParamOptions, renderParam } from './params';
import { renderQuery } from './render';

describe('query parameters', () => {
  it('writes a validated value as a quoted literal, quotes doubled', () => {
    expect(renderParam('object_key', 'object-key', "it's here.png")).toBe("'it''s here.png'");
    expect(renderParam('from', 'date', '2026-11-20')).toBe("'2026/11/20'");
  });

  it.each([
    ['instance-id', "i-123' OR '1'='1", /is not a valid instance-id/],
    ['bucket', 'Bad_Bucket', /is not a valid bucket/],
    ['date', '20-11-2026', /is not a valid date/],
    ['date', '2026-13-01', /is not a calendar date/],
    ['object-key', 'line\nbreak', /is not a valid object-key/],
  ] as const)('rejects a %s of %p', (type, value, message) => {
    expect(() => renderParam('p', type, value)).toThrow(message);
  });

  it('reads repeated --param name=value, keeping "=" in values', () => {
    expect(parseParamOptions(['a=1', 'b=x=y'])).toEqual({ a: '1', b: 'x=y' });
    expect(() => parseParamOptions(['noequals'])).toThrow('--param "noequals" is not name=value');
    expect(() => parseParamOptions(['a=1', 'a=2'])).toThrow('--param a is given twice');
  });
});

describe('query files', () => {
  const text = `-- What does it answer?\n-- @param key object-key the key\n-- @param from date d\n-- @param to date d\nSELECT {{key}} WHERE "timestamp" BETWEEN {{from}} AND {{to}}`;

  it('reads the description and parameters from the leading comment', () => {
    const query = parseQuery('s', 'q.sql', text);
    expect(query.description).toBe('What does it answer?');
    expect(query.params.map((p) => [p.name, p.type])).toEqual([['key', 'object-key'], ['from', 'date'], ['to', 'date']]);
    expect(renderQuery(query, { key: 'a.png' }, { from: '2026-11-01', to: '2026-11-02' })).toContain(`SELECT 'a.png' WHERE "timestamp" BETWEEN '2026/11/01' AND '2026/11/02'`);
  });

  it.each([
    ['SELECT 1', /needs a leading comment/],
    ['-- x\nSELECT {{undeclared}}', /\{\{undeclared\}\} is not declared/],
    ['-- x\n-- @param unused text u\nSELECT 1', /parameter unused is declared but never used/],
    ['-- x\n-- @param p weird u\nSELECT {{p}}', /unknown type "weird"/],
  ])('rejects a malformed query file %#', (sql, message) => {
    expect(() => parseQuery('s', 'q.sql', sql)).toThrow(message);
  });
});

describe('saved Athena queries', () => {
  it('turn placeholders into execution parameters, in order', () => {
    const { athenaParameterized } = jest.requireActual('./render') as typeof import('./render');
    expect(athenaParameterized({ sql: `SELECT {{key}} WHERE "timestamp" BETWEEN {{from}} AND {{to}}` })).toEqual({
      sql: `SELECT ? WHERE "timestamp" BETWEEN ? AND ?`,
      parameters: ['key', 'from', 'to'],
    });
  });
});
