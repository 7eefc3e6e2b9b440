/** The Node entry's pieces bench-node needs, imported lazily so `mi bench` in Chromium never loads Dawn. */
export { loadModel, nodeGpu } from '../../node.ts';
export { readKerasModel } from '../../formats/read-model.ts';
