import { describe, expect, it } from 'vitest';
import { filesWithoutEntries, type DropItem } from '../src/app/drop-guard';

/** A DataTransfer item as a browser gives it: a real drag has a file-system entry, a drop built in script has none (null). */
function item(kind: 'file' | 'string', file: File | null, entry: object | null): DropItem {
  return { kind, getAsFile: () => file, webkitGetAsEntry: () => entry };
}
const csv = new File(['x,y\n1,2\n'], 'points.csv', { type: 'text/csv' });
const json = new File(['{}'], 'preset.json', { type: 'application/json' });

describe('drop guard: drops drag-drop cannot walk (issue 15)', () => {
  it('a drop whose file item has a null entry is taken with its files, in order', () => {
    // drag-drop 7 would read null.isFile and throw on this drop.
    expect(filesWithoutEntries([item('file', csv, null)])).toEqual([csv]);
    expect(filesWithoutEntries([item('string', null, null), item('file', csv, null), item('file', json, { isFile: true })])).toEqual([csv, json]);
  });

  it('items that give no file are skipped: the guard still takes the drop (an empty list, never a throw)', () => {
    expect(filesWithoutEntries([item('file', null, null)])).toEqual([]);
  });

  it('drops with an entry for every file item, with no file item, or with no items go on to drag-drop (null)', () => {
    expect(filesWithoutEntries([item('file', csv, { isFile: true }), item('file', json, { isDirectory: true })])).toBeNull();
    expect(filesWithoutEntries([item('string', null, null)])).toBeNull();
    expect(filesWithoutEntries([])).toBeNull();
    expect(filesWithoutEntries(null)).toBeNull();
    expect(filesWithoutEntries(undefined)).toBeNull();
  });
});
