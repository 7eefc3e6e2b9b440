/**
 * Dev-server routes for the demo, so the page reaches exactly two folders and nothing else:
 *
 *   /models/malaria-cnn/*   the project's demo model (weights/malaria-cnn), read in place
 *   /samples.json           a few sample cells from ../shared/fixtures (`[]` when the folder is missing)
 *   /samples/<class>/<file> one of those cells, streamed from the fixtures folder
 *   /samples/<class>/<file>.dcm  the same cell wrapped in a DICOM file at request time (demo/dicom-sample.ts)
 *   /meshnet/<model>/*      a MeshNet brain segmenter (TF.js layers, MIT) from ../shared/fixtures/models
 *   /volumes.json           the brain volumes there are (`[]` when the folder is missing)
 *   /volumes/<file>         a T1 volume (NIfTI) from ../shared/fixtures/volumes
 *   /node_modules/@niivue/niivue/dist/index.js  NiiVue's self-contained module, where <mi-segmenter>
 *                           looks for its 3-D viewer by default (viewer-base-url /node_modules/), as a
 *                           static server at an app's root would serve it (Vite's root is demo/)
 *
 * The fixtures are read by path, never copied into the repository or the build.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connect, Plugin } from 'vite';
import { pngToDicom } from './dicom-sample.ts';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const MODEL_DIR = join(REPO_ROOT, 'weights', 'malaria-cnn');

/** The shared fixtures folder: $MEDIMG_SHARED_FIXTURES, else ../shared/fixtures beside the checkout. */
export function fixturesDir(): string {
  return process.env.MEDIMG_SHARED_FIXTURES ?? resolve(REPO_ROOT, '..', 'shared', 'fixtures');
}

const CELLS = 'images/malaria-cells';
const CLASSES = ['Parasitized', 'Uninfected'];
/** Cells per class in the gallery: enough to try, few enough to load at once. */
const PER_CLASS = 6;

/** One gallery entry. `path` is relative to the fixtures folder (as in ref/test-cells.json). */
export interface Sample {
  url: string;
  label: string;
  path: string;
  /** 'dicom': `url` is the cell as a DICOM file; `thumbnail` is its PNG. */
  format?: 'dicom';
  thumbnail?: string;
}

/** How many cells of each class the gallery also offers as DICOM. */
const DICOM_PER_CLASS = 1;

/** The first cells of each class, in file-name order (the same order every time). */
export function listSamples(): Sample[] {
  const root = join(fixturesDir(), CELLS);
  if (!existsSync(root)) return [];
  return CLASSES.flatMap((label) => {
    const dir = join(root, label);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => n.toLowerCase().endsWith('.png'))
      .sort()
      .slice(0, PER_CLASS)
      .flatMap((name, i) => {
        const url = `/samples/${label}/${encodeURIComponent(name)}`;
        const png: Sample = { url, label, path: `${CELLS}/${label}/${name}` };
        const dicom: Sample = { ...png, url: `${url}.dcm`, format: 'dicom', thumbnail: url };
        return i < DICOM_PER_CLASS ? [png, dicom] : [png];
      });
  });
}

/** Serves `<cell>.png.dcm`: the cell as DICOM, made from the fixture on each request. */
function sendDicomSample(res: Parameters<Connect.NextHandleFunction>[1], rel: string): boolean {
  const root = join(fixturesDir(), CELLS);
  const png = resolve(root, rel.slice(0, -'.dcm'.length));
  if (!png.startsWith(root + sep) || !png.toLowerCase().endsWith('.png') || !existsSync(png)) return false;
  const bytes = pngToDicom(readFileSync(png), 1 + listSamples().findIndex((s) => png.endsWith(s.path)));
  res.setHeader('Content-Type', 'application/dicom');
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
  return true;
}

/** The brain segmenters the demo offers: MeshNet models of ../shared/fixtures/models (MIT, brainchop's). */
export const MESHNETS = ['model5_gw_ae', 'model11_gw_ae'] as const;

/** The T1 volumes the demo offers, when they exist in ../shared/fixtures/volumes. */
const VOLUMES = [
  { file: 't1_crop.nii.gz', label: 'T1, 256³ at 1 mm, conformed (brainchop)' },
  { file: 'ch2bet.nii.gz', label: 'Colin27 T1, 181×217×181 in MNI space (conformed on the way in)' },
];

export function listVolumes(): { url: string; label: string }[] {
  return VOLUMES.filter((v) => existsSync(join(fixturesDir(), 'volumes', v.file))).map((v) => ({ url: `/volumes/${v.file}`, label: v.label }));
}

/** Serves /meshnet/<model>/<file> from the fixture model's folder (only the models listed above). */
function sendMeshnet(res: Parameters<Connect.NextHandleFunction>[1], rel: string): boolean {
  const [model, ...rest] = rel.split('/');
  if (!(MESHNETS as readonly string[]).includes(model)) return false;
  return sendFile(res, join(fixturesDir(), 'models', `meshnet-${model}-tfjs`), rest.join('/'));
}

const NIIVUE_URL = '/node_modules/@niivue/niivue/dist/index.js';
const NIIVUE_DIR = join(REPO_ROOT, 'node_modules', '@niivue', 'niivue', 'dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.gz': 'application/gzip',
  '.nii': 'application/octet-stream',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.keras': 'application/zip',
  '.h5': 'application/x-hdf5',
  '.png': 'image/png',
  '.dcm': 'application/dicom',
};

/** Streams `file` if it lies inside `dir` (no `..` escapes); false when it does not exist. */
function sendFile(res: Parameters<Connect.NextHandleFunction>[1], dir: string, rel: string): boolean {
  const file = resolve(dir, rel);
  if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) return false;
  res.setHeader('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
  res.setHeader('Content-Length', String(statSync(file).size));
  createReadStream(file).pipe(res);
  return true;
}

/** The Vite plugin adding the routes above. */
export function demoRoutes(): Plugin {
  return {
    name: 'mi-demo-routes',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        if (path === '/volumes.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(listVolumes()));
          return;
        }
        if (path === '/samples.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(listSamples()));
          return;
        }
        const served =
          (path.startsWith('/models/malaria-cnn/') && sendFile(res, MODEL_DIR, path.slice('/models/malaria-cnn/'.length))) ||
          (path.startsWith('/samples/') && path.endsWith('.dcm') && sendDicomSample(res, path.slice('/samples/'.length))) ||
          (path.startsWith('/samples/') && sendFile(res, join(fixturesDir(), CELLS), path.slice('/samples/'.length))) ||
          (path === NIIVUE_URL && sendFile(res, NIIVUE_DIR, 'index.js')) ||
          (path.startsWith('/meshnet/') && sendMeshnet(res, path.slice('/meshnet/'.length))) ||
          (path.startsWith('/volumes/') && VOLUMES.some((v) => path === `/volumes/${v.file}`) && sendFile(res, join(fixturesDir(), 'volumes'), path.slice('/volumes/'.length)));
        if (served) return;
        if (['/models/', '/samples/', '/meshnet/', '/volumes/'].some((p) => path.startsWith(p))) {
          res.statusCode = 404;
          res.end(`Not found: ${path}`);
          return;
        }
        next();
      });
    },
  };
}
