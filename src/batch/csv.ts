/**
 * CSV as RFC 4180 has it: fields with `,`, `"`, CR or LF in double quotes, `"` doubled, CRLF between records. Plus
 * the guard against formula injection that spreadsheets need: a photo named `=HYPERLINK(...)`.jpg must not run.
 */

/** Byte order mark: without it Excel reads UTF-8 as the local code page and mangles non-ASCII file names. */
export const UTF8_BOM = '\uFEFF';
export const CSV_MIME_TYPE = 'text/csv;charset=utf-8';

/** Prefixes `'` to text a spreadsheet would read as a formula (OWASP's list: `=`, `+`, `-`, `@`, tab, CR). Only for
 * text cells: a number such as a score must stay a number. */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One field, quoted when it has to be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record with its CRLF. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

const FIELD_END = /[,\r\n]/g;

/**
 * Reads CSV back into records of fields (a leading BOM is dropped; CRLF, LF and CR all end a record). Strict about
 * quotes: text after a closing quote, or a quote that never closes, throws, so a test cannot pass on broken output.
 */
export function parseCsv(text: string): string[][] {
  const input = text.startsWith(UTF8_BOM) ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  if (input === '') return records;
  for (;;) {
    let field = '';
    if (input[i] === '"') {
      i++;
      for (;;) {
        const quote = input.indexOf('"', i);
        if (quote < 0) throw new Error('CSV: a quoted field never closes');
        field += input.slice(i, quote);
        i = quote + 1;
        if (input[i] !== '"') break;
        field += '"';
        i++;
      }
      if (i < input.length && !/[,\r\n]/.test(input[i] as string)) throw new Error(`CSV: text after a closing quote`);
    } else {
      FIELD_END.lastIndex = i;
      const stop = FIELD_END.exec(input)?.index ?? input.length;
      field = input.slice(i, stop);
      if (field.includes('"')) throw new Error('CSV: a quote inside an unquoted field');
      i = stop;
    }
    record.push(field);
    if (input[i] === ',') {
      i++;
      continue;
    }
    records.push(record);
    record = [];
    if (input[i] === '\r' && input[i + 1] === '\n') i += 2;
    else if (i < input.length) i++;
    if (i >= input.length) return records;
  }
}
