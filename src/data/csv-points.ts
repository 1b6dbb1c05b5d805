/**
 * CSV text to points: papaparse splits the text into rows and cells (quotes, escaped quotes, CRLF); this
 * module picks the separator, skips blank and comment lines, finds the header, and checks and converts the
 * cells. Every rejection is a {@link DataLoadError} naming the line and column (1-based). Pure.
 */
import Papa from 'papaparse';
import { DataLoadError, MAX_ROWS, pointsFromCoordinates, type LoadedData } from './point-data';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** The separator of a CSV, by its first content line: tab, else semicolon, else comma, else runs of spaces. */
type Separator = '\t' | ';' | ',' | ' ';
const SEPARATOR_NAMES: Record<Separator, string> = { '\t': 'tab', ';': 'semicolon', ',': 'comma', ' ': 'space' };

/**
 * The separator by the rule above, from the first line that is neither blank nor a '#' comment. Not
 * papaparse's delimiter guess: that one prefers the separator giving the most cells over its first 10
 * rows, so "1,5;2,5" (decimal commas) would split on ',' instead of getting the decimal-comma hint, and
 * it splits the whole text into lines once per candidate.
 */
function separatorOf(text: string): Separator {
  for (let pos = 0; pos < text.length; ) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).trim();
    pos = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    if (line.includes('\t')) return '\t';
    if (line.includes(';')) return ';';
    if (line.includes(',')) return ',';
    return ' ';
  }
  return ',';
}

/** A cell trimmed; quotes left around it by spaces before the opening quote (`1, "2"`) are dropped too. */
function cleanCell(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

const quote = (s: string): string => JSON.stringify(s.length > 24 ? `${s.slice(0, 21)}...` : s);

/** Options of {@link parseCsvPoints}. */
export interface CsvOptions {
  /** Most data rows (default {@link MAX_ROWS}). */
  readonly maxRows?: number;
  /** The file's name for messages (default "the file"). */
  readonly name?: string;
}

/**
 * Parses a CSV of points: 2 columns (x, y) or 3 (x, y, z), separated by commas, semicolons, tabs or
 * spaces (the first content line decides; with spaces, any run of spaces and tabs separates), an
 * optional header row (a first row with no number in it), blank lines and lines starting with '#'
 * skipped, cells optionally in double quotes (as in RFC 4180: "" is a quote, and a quoted cell may hold
 * separators and line breaks); LF or CRLF line ends; numbers in decimal notation with '.' (1, -2.5,
 * 3e-4). The points are normalised ({@link normalizePoints}). Tokenised by papaparse one row at a time,
 * so a text of far more rows than maxRows stops at the first row too many.
 * @throws DataLoadError naming the problem and its line / column (where the row starts): 'empty' (no
 *   data rows), 'columns' (1 column, more than 3, a row of another length), 'not-a-number' (also a
 *   quoted cell that never closes, or text after a closing quote), 'not-finite' (NaN, Infinity,
 *   overflow), 'too-large' (more than maxRows rows), 'degenerate' (all points equal).
 */
export function parseCsvPoints(text: string, options: CsvOptions = {}): LoadedData {
  const maxRows = options.maxRows ?? MAX_ROWS;
  const name = options.name ?? 'the file';
  // papaparse drops a BOM too; dropping it here keeps its offsets (meta.cursor) offsets into `text`.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // papaparse takes a closing quote followed by blanks and then the end of the text for a stray quote
  // ('"1","2" '); a final newline makes it a closing quote again.
  let end = text.length;
  while (end > 0 && text[end - 1] !== '\n' && text[end - 1].trim() === '') end--;
  if (end < text.length && text[end - 1] === '"') text += '\n';
  const sep = separatorOf(text);
  // Space-separated: tabs, stray '\r's and other blanks separate too, as spaces (one copy of the text).
  if (sep === ' ') text = text.replace(/[^\S\n ]/g, ' ');
  let columns = 0;
  let header: string[] | null = null;
  let firstLine = 0;
  const values: number[] = [];
  let rows = 0;
  // Line numbers: the next row starts at `rowStart`; `lineNo` is the line at offset `lineStart`.
  let rowStart = 0;
  let lineStart = 0;
  let lineNo = 1;
  Papa.parse<string[]>(text, {
    delimiter: sep,
    newline: '\n', // a '\r' before it is trimmed off the last cell, so CRLF and mixed endings both work
    quoteChar: '"',
    comments: '#',
    skipEmptyLines: false, // blank lines are skipped below (whitespace-only lines too)
    fastMode: false, // fast mode splits the whole text into lines first
    step: ({ data: fields, errors, meta }) => {
      // The row starts at the previous row's end, after the '#' lines papaparse skipped there.
      let start = rowStart;
      while (text.startsWith('#', start)) {
        const nl = text.indexOf('\n', start);
        start = nl < 0 ? text.length : nl + 1;
      }
      rowStart = meta.cursor;
      for (let nl = text.indexOf('\n', lineStart); nl >= 0 && nl < start; nl = text.indexOf('\n', nl + 1)) lineNo++;
      lineStart = start;
      const raw = text.slice(start, meta.cursor).trim();
      if (raw === '') return; // a blank line
      let cells = fields.map(cleanCell);
      // Space-separated: a run of blanks makes empty cells in between, dropped (an empty "" cell with them).
      if (sep === ' ') cells = cells.some((c) => c !== '') ? cells.filter((c) => c !== '') : [''];
      if (errors.length > 0) {
        // Reported even on an indented '#' line: the open quote has taken the lines after it.
        const bad = cells.findIndex((c) => c.includes('"') || c.includes('\n'));
        const c = bad >= 0 ? bad + 1 : cells.length;
        const what = errors[0].code === 'MissingQuotes' ? 'a quoted cell that never closes' : 'a closing quote (") followed by more than a separator';
        throw new DataLoadError('not-a-number', `${name}, line ${lineNo}, column ${c}: ${what}`, lineNo, c);
      }
      if (raw.startsWith('#')) return; // a comment after blanks (papaparse skips those at the start of a line)
      if (firstLine === 0) firstLine = lineNo;
      if (columns === 0) {
        columns = cells.length;
        const what = `${name}, line ${lineNo}`;
        if (columns === 1) throw new DataLoadError('columns', `${what}: only 1 column; need 2 (x, y) or 3 (x, y, z) separated by commas, semicolons, tabs or spaces`, lineNo);
        if (columns > 3) throw new DataLoadError('columns', `${what}: ${columns} columns (${SEPARATOR_NAMES[sep]}-separated); need 2 (x, y) or 3 (x, y, z)`, lineNo);
        if (cells.every((c) => c !== '' && !NUMBER.test(c) && !NON_FINITE.test(c))) {
          header = cells;
          return;
        }
      }
      if (cells.length !== columns) {
        throw new DataLoadError('columns', `${name}, line ${lineNo}: ${cells.length} ${cells.length === 1 ? 'column' : 'columns'}, but line ${firstLine} has ${columns} (${SEPARATOR_NAMES[sep]}-separated)`, lineNo);
      }
      if (rows === maxRows) throw new DataLoadError('too-large', `${name}, line ${lineNo}: more than ${maxRows.toLocaleString('en-US')} rows; the limit is ${maxRows.toLocaleString('en-US')}`, lineNo);
      for (let c = 0; c < columns; c++) {
        const cell = cells[c];
        const where = `${name}, line ${lineNo}, column ${c + 1}`;
        if (cell === '') throw new DataLoadError('not-a-number', `${where}: empty cell`, lineNo, c + 1);
        if (NON_FINITE.test(cell)) throw new DataLoadError('not-finite', `${where}: ${quote(cell)} is not a finite number`, lineNo, c + 1);
        if (!NUMBER.test(cell)) {
          const hint = DECIMAL_COMMA.test(cell) ? " (write decimals with '.', not ',')" : '';
          throw new DataLoadError('not-a-number', `${where}: ${quote(cell)} is not a number${hint}`, lineNo, c + 1);
        }
        const v = Number(cell);
        if (!Number.isFinite(v)) throw new DataLoadError('not-finite', `${where}: ${quote(cell)} is too large for a number`, lineNo, c + 1);
        values.push(v);
      }
      rows++;
    },
  });
  if (rows === 0) throw new DataLoadError('empty', header !== null ? `${name} has a header but no data rows` : `${name} has no data rows`);
  const loaded = pointsFromCoordinates(values, columns as 2 | 3, 'csv', header);
  return loaded;
}
