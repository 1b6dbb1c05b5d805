/** Types for drag-drop 7 (feross/drag-drop), which ships none: the parts the app uses. */
declare module 'drag-drop' {
  interface DragDropListeners {
    onDrop?: (files: File[], pos: { x: number; y: number }, fileList: FileList, directories: unknown[]) => void;
    onDragEnter?: (event: DragEvent) => void;
    onDragOver?: (event: DragEvent) => void;
    onDragLeave?: (event: DragEvent) => void;
  }
  /** Listens for files dropped on `elem`; returns a function that removes the listeners. */
  export default function dragDrop(elem: HTMLElement | string, listeners: DragDropListeners | ((files: File[]) => void)): () => void;
}
