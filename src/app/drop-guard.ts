/**
 * The guard in front of drag-drop (feross/drag-drop 7): it walks a drop's items through
 * `webkitGetAsEntry()` and reads `entry.isFile`, which throws ("Cannot read properties of null (reading
 * 'isFile')") for an item without a file-system entry: a drop built in script (`new DataTransfer()` with
 * `items.add(file)`) and some drags from other apps. Such drops are taken here, from the items' own files.
 */

/** What the guard reads of a DataTransfer item (DataTransferItem meets it). */
export interface DropItem {
  readonly kind: string;
  getAsFile(): File | null;
  webkitGetAsEntry(): unknown;
}

/**
 * The files of a drop that drag-drop cannot walk, or null when it can (every file item has an entry, or
 * there is no file item; then drag-drop handles the drop, folders included).
 * @param items the drop's `dataTransfer.items` (null or undefined: nothing to guard, null returned).
 * @returns the files of the file items in order, skipping items that give no file; possibly empty.
 */
export function filesWithoutEntries(items: ArrayLike<DropItem> | null | undefined): File[] | null {
  if (items === null || items === undefined) return null;
  const fileItems = Array.from(items).filter((item) => item.kind === 'file');
  if (fileItems.every((item) => item.webkitGetAsEntry() !== null)) return null;
  return fileItems.map((item) => item.getAsFile()).filter((file): file is File => file !== null);
}
