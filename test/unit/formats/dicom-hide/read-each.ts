// Reads each fixture named on the command line and prints what happened, one JSON line each.
import { readFileSync } from 'node:fs';
import { readDicom } from '../../../../src/formats/dicom/index.ts';

for (const path of process.argv.slice(2)) {
  const name = path.split('/').pop()!;
  try {
    const image = await readDicom(new Uint8Array(readFileSync(path)), { name });
    console.log(JSON.stringify({ name, shape: image.shape }));
  } catch (err) {
    const e = err as Error & { code?: string };
    console.log(JSON.stringify({ name, error: e.name, code: e.code, message: e.message }));
  }
}
