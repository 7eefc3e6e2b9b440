// Fragment: the two storage buffers of a kernel that reads one tensor and writes one:
// `input` (read-only) at binding 1 and `output` at binding 2. A kernel with more buffers binds them
// from 3 on. (Bindings are matched by name, src/gpu/reflect.ts: the numbers only need to differ.)
//
// Provides: input, output. The linking kernel must use both (an 'auto' layout drops unused bindings).

@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
