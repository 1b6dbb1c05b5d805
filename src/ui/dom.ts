/**
 * Building DOM without HTML strings: no markup is ever parsed from a string (no innerHTML), so no text
 * that came from a link, a file or a user can become markup. Text goes in as text nodes.
 */

/** Children: elements, or strings that become text nodes. */
export type Child = Node | string;

/**
 * A new element: `h('div', { className: 'x', data: { f: 'title' } }, 'text', h('span'))`.
 * @param props className, title, and data-* attributes (`data: { f: 'x' }` sets data-f="x").
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; title?: string; data?: Record<string, string> } = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className !== undefined) el.className = props.className;
  if (props.title !== undefined) el.title = props.title;
  for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
  el.append(...children);
  return el;
}

/**
 * A hidden file input: `.click()` it to open the browser's picker; `onFile` gets the chosen file, and
 * the input is cleared so the same file can be picked again.
 * @param accept the input's accept list (extensions and MIME types).
 */
export function hiddenFilePicker(className: string, accept: string, onFile: (file: File) => void): HTMLInputElement {
  const input = h('input', { className });
  input.type = 'file';
  input.accept = accept;
  input.hidden = true;
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onFile(file);
    input.value = '';
  });
  return input;
}

/**
 * Offers `blob` as a download named `fileName` (through a hidden link; the object URL is revoked after
 * 10 s, long enough for the browser to start the download).
 */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
