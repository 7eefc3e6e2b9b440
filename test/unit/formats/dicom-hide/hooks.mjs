// Resolve hook: the optional DICOM codec packages fail as Node fails for a package that is not installed.
const HIDDEN = ['@cornerstonejs/codec-charls', '@cornerstonejs/codec-openjpeg', '@cornerstonejs/codec-libjpeg-turbo-8bit', 'jpeg-lossless-decoder-js', 'dcmjs-codecs'];
export async function resolve(specifier, context, next) {
  if (HIDDEN.some((p) => specifier === p || specifier.startsWith(`${p}/`))) {
    const err = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
    err.code = 'ERR_MODULE_NOT_FOUND';
    throw err;
  }
  return next(specifier, context);
}
