import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { decodeImage } from '../src/data/image-decode';
import { DataLoadError, denormalizePoints, MAX_DATA_BYTES, pointsFromCoordinates, type DataErrorCode } from '../src/data/point-data';
import { loadPointData } from '../src/data/loaders';
import { parseCsvPoints } from '../src/data/csv-points';
import { pointsFromPixels, type RgbaImage } from '../src/data/image-points';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The DataLoadError that `f` throws (fails the test when it throws nothing or something else). */
function rejection(f: () => unknown): DataLoadError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataLoadError) return e;
    throw e;
  }
  throw new Error('expected a DataLoadError, nothing was thrown');
}

/** Expects `f` to throw a DataLoadError with this code and a message matching `message`. */
function expectError(f: () => unknown, code: DataErrorCode, message: RegExp): DataLoadError {
  const e = rejection(f);
  expect(e.code, e.message).toBe(code);
  expect(e.message).toMatch(message);
  return e;
}

/** An RGBA image whose pixel (col, row) gets `paint(col, row)` = [r, g, b, a]. */
function image(width: number, height: number, paint: (col: number, row: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data.set(paint(c, r), 4 * (r * width + c));
  return { width, height, data };
}

const pngBytes = (img: RgbaImage): Uint8Array => {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data);
  return new Uint8Array(PNG.sync.write(png));
};

const jpegBytes = (img: RgbaImage): Uint8Array => new Uint8Array(jpeg.encode({ width: img.width, height: img.height, data: img.data }, 90).data);

/** A real (stored, uncompressed) ZIP archive holding one file, as a spreadsheet export might be. */
function zipBytes(name: string, content: string): Uint8Array {
  const n = utf8(name);
  const d = utf8(content);
  const out: number[] = [];
  const u16 = (v: number): void => void out.push(v & 255, (v >> 8) & 255);
  const u32 = (v: number): void => void out.push(v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255);
  u32(0x04034b50); u16(20); u16(0); u16(0); u16(0); u16(0); u32(0); u32(d.length); u32(d.length); u16(n.length); u16(0);
  out.push(...n, ...d);
  const central = out.length;
  u32(0x02014b50); u16(20); u16(20); u16(0); u16(0); u16(0); u16(0); u32(0); u32(d.length); u32(d.length); u16(n.length); u16(0); u16(0); u16(0); u16(0); u32(0); u32(0);
  out.push(...n);
  const size = out.length - central;
  u32(0x06054b50); u16(0); u16(0); u16(1); u16(1); u32(size); u32(central); u16(0);
  return new Uint8Array(out);
}

describe('CSV of points: good files', () => {
  it('a header and two points: centred at the mean, scaled to unit average variance, the transform maps back', () => {
    const d = parseCsvPoints('x,y\n1,2\n3,4\n');
    expect(d.header).toEqual(['x', 'y']);
    expect(d.set.dim).toBe(2);
    expect(d.set.count).toBe(2);
    expect(d.transform.center).toEqual([2, 3]);
    expect(d.transform.scale).toBeCloseTo(1, 12);
    expect([...d.set.points]).toEqual([-1, -1, 1, 1]);
    expect([...denormalizePoints(d.set.points, 2, d.transform)]).toEqual([1, 2, 3, 4]);
    expect(d.set.labelCount).toBe(1);
    expect([...d.set.labels]).toEqual([0, 0]);
  });

  it('every separator, CRLF, a BOM, quotes, comments, blank lines, no header; 3 columns make 3D points', () => {
    const want = [0, 0, 2, 1, -4, 0.5];
    const texts = [
      '0,0\n2,1\n-4,0.5',
      '\ufeffa;b\r\n0;0\r\n2;1\r\n-4;5e-1\r\n',
      '# a comment\n\n0\t0\n 2\t1 \n-4\t.5\n\n',
      '  0   0\n2 1\n-4 +0.5\n',
      '"x","y"\n"0","0"\n"2","1"\n"-4","0.5"\n',
    ];
    for (const t of texts) {
      const d = parseCsvPoints(t);
      const back = denormalizePoints(d.set.points, 2, d.transform);
      back.forEach((v, i) => expect(v, JSON.stringify(t)).toBeCloseTo(want[i], 5));
    }
    const d3 = parseCsvPoints('x y z\n1 2 3\n4 5 6\n7 8 10\n');
    expect(d3.set.dim).toBe(3);
    expect(d3.set.count).toBe(3);
    // Normalised: zero mean and unit average variance over the 3 coordinates.
    const p = d3.set.points;
    let mean = 0;
    let sq = 0;
    for (let i = 0; i < p.length; i++) mean += p[i] / p.length;
    for (let i = 0; i < p.length; i++) sq += (p[i] * p[i]) / p.length;
    expect(mean).toBeCloseTo(0, 6);
    expect(sq).toBeCloseTo(1, 6);
  });

  it('quoted cells (RFC 4180), CRLF and mixed line ends, a BOM before a header, runs of blanks, trailing blanks', () => {
    const want = [0, 0, 2, 1, -4, 0.5];
    const texts = [
      '"x", "y"\n 0 , "0"\n"2" ,1\n-4, " 0.5 "\n', // spaces around quoted cells
      '"x;1";"y ""2"""\r\n"0";"0"\r\n"2";"1"\r\n"-4";"0.5"', // separators and escaped quotes inside quotes, CRLF, no final line end
      '0,0\r\n2,1\n-4,0.5\r\n', // mixed line ends
      '\ufeff"x","y"\n0,0\n2,1\n-4,"0.5"   ', // a BOM; blanks after the last closing quote
      'x    y\n\t0 0\n2\t\t 1  \n  -4    0.5\t\n', // space-separated (by the first line): any run of spaces and tabs
      '"x coord" "y coord"\n0 "0"\n2 1\n-4 0.5\n', // space-separated, quoted cells holding spaces
      '0\t0\n\t# an indented comment\n2\t1\n\t\n-4\t0.5\n', // an indented comment, a line of tabs only
    ];
    for (const t of texts) {
      const d = parseCsvPoints(t);
      const back = denormalizePoints(d.set.points, 2, d.transform);
      back.forEach((v, i) => expect(v, JSON.stringify(t)).toBeCloseTo(want[i], 5));
    }
    expect(parseCsvPoints(texts[1]).header).toEqual(['x;1', 'y "2"']);
    expect(parseCsvPoints(texts[3]).header).toEqual(['x', 'y']);
    expect(parseCsvPoints(texts[5]).header).toEqual(['x coord', 'y coord']);
    // A quoted cell may span lines; the line numbers after it stay right.
    expect(parseCsvPoints('x,y\n"1\n",2\n3,4\n').set.count).toBe(2);
    expectError(() => parseCsvPoints('x,y\n"1\n",2\n3,abc\n'), 'not-a-number', /line 4, column 2: "abc"/);
  });

  it('large and tiny magnitudes keep their shape (one scale for both axes)', () => {
    const d = parseCsvPoints('1e200,0\n-1e200,0\n0,1e200\n0,-1e200\n');
    expect(d.transform.scale).toBeCloseTo(Math.SQRT1_2 * 1e200, -190);
    expect(Math.abs(d.set.points[0])).toBeCloseTo(Math.SQRT2, 6);
    const t = parseCsvPoints('1e-12,0\n-1e-12,0\n');
    expect([...t.set.points].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([Math.round(1e6 * Math.SQRT2) / 1e6, 0, -Math.round(1e6 * Math.SQRT2) / 1e6, 0]);
  });
});

describe('CSV of points: bad files get a specific message with the place', () => {
  it('empty, blank, header only', () => {
    expectError(() => loadPointData(new Uint8Array(0), 'e.csv'), 'empty', /e\.csv is empty/);
    expectError(() => parseCsvPoints('\n  \n\n'), 'empty', /no data rows/);
    expectError(() => parseCsvPoints('x,y\n'), 'empty', /header but no data rows/);
  });

  it('a non-numeric cell names its line and column', () => {
    const e = expectError(() => parseCsvPoints('x,y\n1,2\n3,abc\n', { name: 'p.csv' }), 'not-a-number', /p\.csv, line 3, column 2: "abc" is not a number/);
    expect([e.line, e.column]).toEqual([3, 2]);
    expectError(() => parseCsvPoints('1;2\n3;4,5\n'), 'not-a-number', /line 2, column 2: "4,5" is not a number \(write decimals with '\.'/);
    expectError(() => parseCsvPoints('1,2\n3,\n'), 'not-a-number', /line 2, column 2: empty cell/);
    expectError(() => parseCsvPoints('1,2\n0x10,4\n'), 'not-a-number', /line 2, column 1/);
    // A first row that mixes numbers and words is data, not a header.
    expectError(() => parseCsvPoints('1,y\n1,2\n'), 'not-a-number', /line 1, column 2: "y"/);
  });

  it('the line and column stay right after comments, blank lines, CRLF and a BOM', () => {
    const e = expectError(() => parseCsvPoints('\ufeff# points\r\nx,y\r\n\r\n  # more\r\n1,2\r\n#\r\n3,4x\r\n'), 'not-a-number', /line 7, column 2: "4x" is not a number/);
    expect([e.line, e.column]).toEqual([7, 2]);
    expectError(() => parseCsvPoints('1\t2\n\n3\t\n'), 'not-a-number', /line 3, column 2: empty cell/);
    expectError(() => parseCsvPoints('1 2\n3 4\n5 6 7\n'), 'columns', /line 3: 3 columns, but line 1 has 2 \(space-separated\)/);
  });

  it('trailing separators make an empty last cell (blanks at the end of a space-separated row do not)', () => {
    const e = expectError(() => parseCsvPoints('# x, y\n1,2,\n3,4,\n'), 'not-a-number', /line 2, column 3: empty cell/);
    expect([e.line, e.column]).toEqual([2, 3]);
    expectError(() => parseCsvPoints('1;2;\n3;4;\n'), 'not-a-number', /line 1, column 3: empty cell/);
    expectError(() => parseCsvPoints('1,2\n3,4,\n'), 'columns', /line 2: 3 columns, but line 1 has 2/);
    expect(parseCsvPoints('1 2 \n3 4  \n').set.count).toBe(2);
  });

  it("the separator is the first content line's (tab, else semicolon, else comma): decimal commas get a hint", () => {
    // (A first row of no numbers at all is the header.)
    expectError(() => parseCsvPoints('1,5;2,5\n3,5;4,5\n'), 'not-a-number', /line 2, column 1: "3,5" is not a number \(write decimals with '\.'/);
    expectError(() => parseCsvPoints('1;2,5\n'), 'not-a-number', /line 1, column 2: "2,5" is not a number \(write decimals/);
    expectError(() => parseCsvPoints('"x";"y"\n"1,5";"2,5"\n'), 'not-a-number', /line 2, column 1: "1,5" is not a number \(write decimals/);
    // Quotes keep a separator inside one cell.
    expectError(() => parseCsvPoints('"1,5","2"\n'), 'not-a-number', /line 1, column 1: "1,5" is not a number/);
  });

  it('a quote that never closes, or text after a closing quote, is named with its place', () => {
    const e = expectError(() => parseCsvPoints('x,y\n1,2\n3,"4\n5,6\n7,8\n'), 'not-a-number', /line 3, column 2: a quoted cell that never closes/);
    expect([e.line, e.column]).toEqual([3, 2]);
    expectError(() => parseCsvPoints('1,2\n"3"x,4\n5,6\n'), 'not-a-number', /line 2, column 1: a closing quote \("\) followed by more than a separator/);
  });

  it('NaN, Infinity and overflow are not finite', () => {
    expectError(() => parseCsvPoints('1,2\nNaN,4\n'), 'not-finite', /line 2, column 1: "NaN" is not a finite number/);
    expectError(() => parseCsvPoints('x,y\n1,-Infinity\n'), 'not-finite', /line 2, column 2: "-Infinity"/);
    expectError(() => parseCsvPoints('1,inf\n'), 'not-finite', /line 1, column 2/);
    expectError(() => parseCsvPoints('1,2\n1e999,0\n'), 'not-finite', /line 2, column 1: "1e999" is too large/);
  });

  it('one column, four columns, a row of another length', () => {
    expectError(() => parseCsvPoints('x\n1\n2\n'), 'columns', /line 1: only 1 column; need 2 \(x, y\) or 3/);
    expectError(() => parseCsvPoints('1|2\n'), 'columns', /only 1 column/);
    expectError(() => parseCsvPoints('1,2,3,4\n'), 'columns', /4 columns \(comma-separated\); need 2/);
    const e = expectError(() => parseCsvPoints('x,y\n1,2\n3,4,5\n'), 'columns', /line 3: 3 columns, but line 1 has 2/);
    expect(e.line).toBe(3);
  });

  it('all points equal: nothing to scale', () => {
    expectError(() => parseCsvPoints('1,1\n1,1\n'), 'degenerate', /all 2 points are the same point/);
    expectError(() => parseCsvPoints('5,6\n'), 'degenerate', /only 1 point/);
  });

  it('more rows than the limit: 1,000,001 rows are rejected at the first row too many', () => {
    const text = 'x,y\n' + '1,2\n3,4\n'.repeat(500_000) + '5,6\n';
    const e = expectError(() => parseCsvPoints(text), 'too-large', /line 1000002: more than 1,000,000 rows/);
    expect(e.line).toBe(1_000_002);
    expectError(() => parseCsvPoints('1,2\n3,4\n5,6\n', { maxRows: 2 }), 'too-large', /line 3: more than 2 rows/);
  });

  it('a text of 10 million rows stops at the first row too many (row by row, not split into lines first)', () => {
    const text = '1,2\n'.repeat(10_000_000);
    // Nothing splits the 40 MB text (papaparse's fast mode would: text.split('\n')).
    const split = String.prototype.split;
    let longest = 0;
    const spy = vi.spyOn(String.prototype, 'split').mockImplementation(function (this: string, ...args: Parameters<typeof split>) {
      longest = Math.max(longest, this.length);
      return split.apply(this, args);
    });
    try {
      const e = expectError(() => parseCsvPoints(text, { maxRows: 1000 }), 'too-large', /line 1001: more than 1,000 rows/);
      expect(e.line).toBe(1001);
    } finally {
      spy.mockRestore();
    }
    expect(longest).toBeLessThan(1000);
  });

  it('more bytes than the limit', () => {
    expectError(() => loadPointData(new Uint8Array(MAX_DATA_BYTES + 1).fill(0x31), 'big.csv'), 'too-large', /big\.csv is 64\.0 MiB; the limit is 64 MiB/);
  });

  it('a ZIP archive renamed .csv, other binaries, UTF-16 and invalid UTF-8', () => {
    expectError(() => loadPointData(zipBytes('points.csv', '1,2\n3,4\n'), 'points.csv'), 'binary', /points\.csv is a ZIP archive .*not a CSV text file/);
    expectError(() => loadPointData(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), 'p.csv'), 'binary', /gzip/);
    expectError(() => loadPointData(new Uint8Array([0x31, 0x2c, 0x32, 0x0a, 0x00, 0x01]), 'p.csv'), 'binary', /NUL byte at offset 4/);
    expectError(() => loadPointData(new Uint8Array([0xff, 0xfe, 0x31, 0x00]), 'p.csv'), 'binary', /UTF-16/);
    expectError(() => loadPointData(new Uint8Array([0x31, 0x2c, 0xc3, 0x28, 0x0a]), 'p.csv'), 'binary', /not UTF-8/);
  });
});

describe('points from images', () => {
  // A 40 x 30 white image with a black 10 x 5 rectangle at columns 5..14, rows 20..24.
  const rect = image(40, 30, (c, r) => (c >= 5 && c < 15 && r >= 20 && r < 25 ? [0, 0, 0, 255] : [255, 255, 255, 255]));

  it('points fall where the image is dark, in pixel units with y up, and are seeded', () => {
    const d = pointsFromPixels(rect, { count: 2000, seed: 3 });
    expect(d.source).toBe('image');
    expect(d.image).toEqual({ width: 40, height: 30, weighting: 'darkness' });
    expect(d.set.count).toBe(2000);
    const raw = denormalizePoints(d.set.points, 2, d.transform);
    for (let i = 0; i < 2000; i++) {
      expect(raw[2 * i]).toBeGreaterThanOrEqual(5 - 1e-4);
      expect(raw[2 * i]).toBeLessThanOrEqual(15 + 1e-4);
      // Rows 20..24 from the top of 30 are y in [30 - 25, 30 - 20] = [5, 10].
      expect(raw[2 * i + 1]).toBeGreaterThanOrEqual(5 - 1e-4);
      expect(raw[2 * i + 1]).toBeLessThanOrEqual(10 + 1e-4);
    }
    expect(d.transform.center[0]).toBeCloseTo(10, 0);
    expect(d.transform.center[1]).toBeCloseTo(7.5, 0);
    expect([...pointsFromPixels(rect, { count: 100, seed: 3 }).set.points]).toEqual([...pointsFromPixels(rect, { count: 100, seed: 3 }).set.points]);
    expect([...pointsFromPixels(rect, { count: 100, seed: 4 }).set.points]).not.toEqual([...pointsFromPixels(rect, { count: 100, seed: 3 }).set.points]);
  });

  it('density is proportional to darkness: black gets twice the points of 50 % grey', () => {
    const img = image(20, 10, (c) => (c < 10 ? [0, 0, 0, 255] : [127.5, 127.5, 127.5, 255]));
    const d = pointsFromPixels(img, { count: 30_000, seed: 1 });
    const raw = denormalizePoints(d.set.points, 2, d.transform);
    let left = 0;
    for (let i = 0; i < d.set.count; i++) if (raw[2 * i] < 10) left++;
    // Darkness 1 against 1 - 127/255 (the stored byte is 127): expected share 1 / (1 + 0.502) = 0.666.
    expect(left / d.set.count).toBeCloseTo(1 / (1 + (1 - 127 / 255)), 1.7);
  });

  it('with transparency the points follow alpha, whatever the colour', () => {
    // A white opaque disc of radius 8 on a transparent background: darkness would see nothing.
    const disc = image(32, 32, (c, r) => ((c + 0.5 - 16) ** 2 + (r + 0.5 - 16) ** 2 < 64 ? [255, 255, 255, 255] : [0, 0, 0, 0]));
    const d = pointsFromPixels(disc, { count: 1000 });
    expect(d.image?.weighting).toBe('alpha');
    const raw = denormalizePoints(d.set.points, 2, d.transform);
    for (let i = 0; i < 1000; i++) expect(Math.hypot(raw[2 * i] - 16, raw[2 * i + 1] - 16)).toBeLessThan(8 + Math.SQRT2);
  });

  it('PNG and JPEG files decode to the same shape', () => {
    for (const [bytes, name] of [
      [pngBytes(rect), 'rect.png'],
      [jpegBytes(rect), 'rect.jpg'],
    ] as const) {
      const d = loadPointData(bytes, name, { decodeImage, count: 1000, seed: 2 });
      const raw = denormalizePoints(d.set.points, 2, d.transform);
      let inside = 0;
      for (let i = 0; i < 1000; i++) if (raw[2 * i] > 4 && raw[2 * i] < 16 && raw[2 * i + 1] > 4 && raw[2 * i + 1] < 11) inside++;
      expect(inside, name).toBeGreaterThan(990); // JPEG ringing stays under the weight floor almost everywhere
    }
  });

  it('a blank image (white, or fully transparent) is rejected', () => {
    expectError(() => pointsFromPixels(image(8, 8, () => [255, 255, 255, 255])), 'image-blank', /blank: no pixel is darker than 10 % grey/);
    expectError(() => pointsFromPixels(image(8, 8, () => [250, 250, 250, 255])), 'image-blank', /blank/);
    expectError(() => loadPointData(pngBytes(image(8, 8, () => [0, 0, 0, 0])), 'clear.png', { decodeImage }), 'image-blank', /clear\.png is blank: every pixel is \(nearly\) transparent/);
  });

  it('corrupt and truncated images, text named .png, oversized images and images without a decoder', () => {
    const good = pngBytes(rect);
    const garbage = good.slice();
    garbage.fill(0x41, 40);
    expectError(() => loadPointData(garbage, 'bad.png', { decodeImage }), 'image-corrupt', /bad\.png is not a readable PNG image/);
    expectError(() => loadPointData(good.subarray(0, good.length >> 1), 'cut.png', { decodeImage }), 'image-corrupt', /cut\.png is not a readable PNG/);
    expectError(() => loadPointData(good.subarray(0, 12), 'tiny.png', { decodeImage }), 'image-corrupt', /ends inside its header/);
    const j = jpegBytes(rect);
    expectError(() => loadPointData(j.subarray(0, j.length >> 1), 'cut.jpg', { decodeImage }), 'image-corrupt', /cut\.jpg is not a readable JPEG image/);
    expectError(() => loadPointData(utf8('1,2\n3,4\n'), 'fake.png', { decodeImage }), 'image-corrupt', /fake\.png is not a PNG image/);
    // A PNG header that claims 5000 x 5000 pixels is refused before decoding.
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(16, 5000);
    new DataView(huge.buffer).setUint32(20, 5000);
    expectError(() => loadPointData(huge, 'huge.png', { decodeImage }), 'too-large', /huge\.png is 5000 x 5000 pixels; the limit is 16,777,216/);
    expectError(() => loadPointData(good, 'rect.png'), 'unsupported', /no image decoder/);
    expectError(() => pointsFromPixels({ width: 4, height: 4, data: new Uint8Array(10) }), 'image-corrupt', /10 bytes of pixels for 4 x 4/);
  });
});

describe('points from coordinates (e.g. drawn)', () => {
  it('normalises and keeps the transform', () => {
    const d = pointsFromCoordinates([10, 10, 30, 10, 20, 40], 2);
    expect(d.source).toBe('points');
    expect(d.transform.center).toEqual([20, 20]);
    expect([...denormalizePoints(d.set.points, 2, d.transform)].map((v) => Math.round(v * 1e4) / 1e4)).toEqual([10, 10, 30, 10, 20, 40]);
    expectError(() => pointsFromCoordinates([1, Number.NaN, 2, 3], 2), 'not-finite', /point 1, coordinate 2 is NaN/);
  });
});
