/**
 * The files of a drop: plain files, and the files inside dropped folders (a DICOM series is usually a
 * folder). Folders are walked with the File and Directory Entries API (`webkitGetAsEntry`), the only
 * way a drop exposes a folder's contents; entries must be taken synchronously in the drop handler,
 * before the DataTransfer is emptied, so `entriesOf` is called there and `filesOf` later.
 */

/** The dropped items, taken during the drop event. */
export function entriesOf(transfer: DataTransfer | null): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(transfer?.items ?? [])) {
    const entry = item.kind === 'file' ? item.webkitGetAsEntry?.() : null;
    if (entry) entries.push(entry);
  }
  return { entries, files: Array.from(transfer?.files ?? []) };
}

/** Folders deeper than this are not walked: a drop of a whole disk must not hang the page. */
const MAX_DEPTH = 8;
/** Nor more files than this (a series of a few thousand slices is the most a page should take). */
const MAX_FILES = 5000;

/** Every file under the dropped entries (folders walked, names sorted), or the plain files when there are no entries. */
export async function filesOf(dropped: { entries: FileSystemEntry[]; files: File[] }): Promise<File[]> {
  if (dropped.entries.length === 0 || dropped.entries.every((e) => e.isFile)) return dropped.files;
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry, depth: number): Promise<void> => {
    if (out.length >= MAX_FILES) return;
    if (entry.isFile) {
      out.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    } else if (entry.isDirectory && depth < MAX_DEPTH) {
      for (const child of await readAll(entry as FileSystemDirectoryEntry)) await walk(child, depth + 1);
    }
  };
  for (const e of dropped.entries) await walk(e, 0);
  return out.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/** A directory's entries: readEntries returns them in batches until an empty one. */
async function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}
