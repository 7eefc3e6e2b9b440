/**
 * The drop zone both elements share: click, Enter or Space opens the file picker; files dropped
 * (folders walked, see dropped-files.ts) or chosen go to the element's `take`, which reads them
 * (intake.ts), shows them and runs the model.
 */
import { entriesOf, filesOf } from './dropped-files.ts';
import { takeFiles, type IntakeContext, type Taken } from './intake.ts';

/** What the drop zone needs of its element. */
export interface DropZoneHost {
  openFilePicker(): void;
  /** Whether a drag is over the zone (for its highlight), and setting it. */
  dragging(): boolean;
  setDragging(dragging: boolean): void;
  /** Reads a new image and runs the model on it; a newer one supersedes it. */
  take(read: (ctx: IntakeContext) => Promise<Taken>): void;
}

/** The zone's event handlers, for the element's template. */
export interface DropZoneHandlers {
  pick(): void;
  keydown(e: KeyboardEvent): void;
  dragover(e: DragEvent): void;
  dragleave(): void;
  drop(e: DragEvent): void;
  fileChosen(e: Event): void;
}

export function dropZoneHandlers(host: DropZoneHost): DropZoneHandlers {
  return {
    pick: () => host.openFilePicker(),
    keydown: (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault(); // Space would scroll the page
        host.openFilePicker();
      }
    },
    dragover: (e) => {
      e.preventDefault(); // required for drop to fire
      if (!host.dragging()) host.setDragging(true);
    },
    dragleave: () => host.setDragging(false),
    drop: (e) => {
      e.preventDefault();
      host.setDragging(false);
      const dropped = entriesOf(e.dataTransfer); // now: the transfer is emptied after this handler
      host.take(async (ctx) => takeFiles(await filesOf(dropped), ctx));
    },
    fileChosen: (e) => {
      const input = e.target as HTMLInputElement;
      const files = Array.from(input.files ?? []);
      if (files.length > 0) host.take((ctx) => takeFiles(files, ctx));
      input.value = ''; // choosing the same file again must fire change again
    },
  };
}
