/**
 * The CPU-path demo page: the app hands the engine its own import of ONNX Runtime Web (which Vite
 * serves from this origin, .wasm included) and the element does the rest. `?backend=` sets the
 * element's backend attribute; the model is set after it, so the element loads once.
 */
import '../src/element/index.ts';
import { useOnnxRuntime } from '../src/index.ts';

useOnnxRuntime(() => import('onnxruntime-web/wasm'));

const element = document.querySelector('#cpu')!;
const backend = new URLSearchParams(location.search).get('backend');
if (backend) element.setAttribute('backend', backend);
element.setAttribute('model', '/models/malaria-cnn/model.json');
