import { describe, expect, it } from 'vitest';
import { csvField, guardFormula, parseCsv, UTF8_BOM } from '../../src/batch/csv';
import {
  csvHeader,
  type ExportedResults,
  exportFileName,
  formatScore,
  resultsToCsv,
  resultsToJson,
} from '../../src/batch/export-results';
import type { PhotoResult } from '../../src/batch/photo-result';

const done = (path: string, top: Array<[string, number]>, extra: Partial<PhotoResult> = {}): PhotoResult => ({
  id: path,
  path,
  status: 'done',
  top: top.map(([label, score]) => ({ label, score })),
  modelId: 'mobilenet',
  ...extra,
});

describe('CSV export', () => {
  it('writes the exact bytes: BOM, header, CRLF after every record', () => {
    const csv = resultsToCsv([done('a/IMG_1.jpg', [['cat', 0.9]], { actual: 'cat' })]);
    expect(csv).toBe(
      `${UTF8_BOM}path,status,label,score,error,model,actual,correct\r\n` +
        'a/IMG_1.jpg,done,cat,0.9,,mobilenet,cat,true\r\n',
    );
  });

  it('header names k label/score pairs', () => {
    expect(csvHeader(3).join(',')).toBe(
      'path,status,label,score,label_2,score_2,label_3,score_3,error,model,actual,correct',
    );
  });

  it('quotes, doubles quotes and guards formulas, and reads back to the same text', () => {
    const photos: PhotoResult[] = [
      done('Trips, 2024/"best" one.jpg', [
        ['=cmd|calc', 0.5],
        ['-minus', 0.25],
      ]),
      {
        id: 'e',
        path: '=HYPERLINK("http://x")\n.jpg',
        status: 'error',
        top: [],
        error: 'decode failed:\r\n@bad',
        modelId: '+m',
      },
      { id: 'p', path: '\tTabbed.jpg', status: 'pending', top: [] },
      done('dogs/b.jpg', [['cat', 1]], { actual: 'dog' }),
    ];
    const records = parseCsv(resultsToCsv(photos));
    expect(records).toEqual([
      csvHeader(2),
      ['Trips, 2024/"best" one.jpg', 'done', "'=cmd|calc", '0.5', "'-minus", '0.25', '', 'mobilenet', '', ''],
      ['\'=HYPERLINK("http://x")\n.jpg', 'error', '', '', '', '', 'decode failed:\r\n@bad', "'+m", '', ''],
      ["'\tTabbed.jpg", 'pending', '', '', '', '', '', '', '', ''],
      ['dogs/b.jpg', 'done', 'cat', '1', '', '', '', 'mobilenet', 'dog', 'false'],
    ]);
  });

  it('score cells are numbers, never guarded; topK can be fixed', () => {
    const csv = resultsToCsv(
      [
        done('a.jpg', [
          ['x', 0.123456789],
          ['y', 1e-7],
          ['z', 0],
        ]),
      ],
      { topK: 2 },
    );
    expect(parseCsv(csv)[1]).toEqual(['a.jpg', 'done', 'x', '0.123457', 'y', '1e-7', '', 'mobilenet', '', '']);
  });

  it('formatScore keeps 6 significant digits and drops trailing zeros', () => {
    expect(formatScore(0.999999949)).toBe('1');
    expect(formatScore(0.5)).toBe('0.5');
    expect(formatScore(0.0001234567)).toBe('0.000123457');
    expect(formatScore(Number.NaN)).toBe('');
  });

  it('guardFormula and csvField on their own', () => {
    expect(['=1', '+1', '-1', '@a', '\tx', '\rx', 'ok', ''].map(guardFormula)).toEqual([
      "'=1",
      "'+1",
      "'-1",
      "'@a",
      "'\tx",
      "'\rx",
      'ok',
      '',
    ]);
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('a\rb')).toBe('"a\rb"');
  });

  it('random text survives a round trip', () => {
    let seed = 1;
    const rand = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const alphabet = ['a', 'é', ',', '"', '\r', '\n', ' ', '=', '😀'];
    const text = () => Array.from({ length: Math.floor(rand() * 8) }, () => alphabet[Math.floor(rand() * 9)]).join('');
    const photos = Array.from({ length: 200 }, (_, i) => done(`${i}${text()}`, [[`${i}${text()}`, rand()]]));
    const rows = parseCsv(resultsToCsv(photos)).slice(1);
    expect(rows.map((row) => row[0])).toEqual(photos.map((photo) => photo.path));
    expect(rows.map((row) => row[2])).toEqual(photos.map((photo) => photo.top[0]?.label));
  });
});

describe('parseCsv', () => {
  it('reads CRLF, LF and quoted line breaks; drops the BOM', () => {
    expect(parseCsv(`${UTF8_BOM}a,b\r\n"x\r\ny",""\nlast,`)).toEqual([
      ['a', 'b'],
      ['x\r\ny', ''],
      ['last', ''],
    ]);
    expect(parseCsv('')).toEqual([]);
  });

  it('refuses broken quoting', () => {
    expect(() => parseCsv('"open')).toThrow(/never closes/);
    expect(() => parseCsv('"a"b')).toThrow(/after a closing quote/);
    expect(() => parseCsv('a"b')).toThrow(/unquoted/);
  });
});

describe('JSON export', () => {
  it('model, exportedAt and photos, with empty fields left out', () => {
    const json = resultsToJson(
      [
        done('cats/a.jpg', [['cat', 0.75]], { actual: 'cat' }),
        { id: 'b', path: 'b.jpg', status: 'error', top: [], error: 'bad', modelId: 'old' },
        { id: 'c', path: 'c.jpg', status: 'pending', top: [] },
      ],
      { model: 'mobilenet', exportedAt: new Date(Date.UTC(2025, 0, 31, 14, 5)) },
    );
    const parsed: ExportedResults = JSON.parse(json);
    expect(parsed).toEqual({
      model: 'mobilenet',
      exportedAt: '2025-01-31T14:05:00.000Z',
      photos: [
        {
          path: 'cats/a.jpg',
          status: 'done',
          top: [{ label: 'cat', score: 0.75 }],
          model: 'mobilenet',
          actual: 'cat',
          correct: true,
        },
        { path: 'b.jpg', status: 'error', top: [], error: 'bad', model: 'old' },
        { path: 'c.jpg', status: 'pending', top: [] },
      ],
    });
    expect(json.split('\n')).toHaveLength(6);
  });

  it('no photos is still valid JSON', () => {
    expect(JSON.parse(resultsToJson([], { model: 'm' })).photos).toEqual([]);
  });
});

it('exportFileName: local date and time, no forbidden characters', () => {
  expect(exportFileName('csv', new Date(2025, 0, 31, 14, 5))).toBe('onsight-results-2025-01-31-1405.csv');
  expect(exportFileName('json', new Date(2025, 11, 1, 9, 0))).toBe('onsight-results-2025-12-01-0900.json');
});
