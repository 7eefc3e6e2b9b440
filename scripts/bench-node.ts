/**
 * Benchmarks our engine under Node with Dawn (npm `webgpu`), for a machine with a real GPU:
 *
 *   npm run bench:node                       # the standard suite, table on stdout
 *   npm run bench:node -- --json out.json    # plus one record per model × batch
 *   npm run bench:node -- path/model.h5 --batch 1,8
 *
 * Dawn uses the system's Vulkan (Linux), Metal (macOS) or D3D12 (Windows) driver; check the
 * adapter line in the output: "SwiftShader" means no GPU driver was found (set VK_ICD_FILENAMES to
 * the vendor's ICD on Linux). TF.js is not run here: its WebGPU backend needs a browser; use
 * `npm run bench` (headless Chromium) for the side-by-side comparison.
 */
import { main } from '../src/cli/main.ts';

// Exit explicitly: Dawn can leave handles open after the device is destroyed.
process.exit(await main(["bench", "--runtime", "node", ...process.argv.slice(2)]));
