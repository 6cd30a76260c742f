/** File names as the model layer uses them: companions are matched by base name, and ids come from file names. */

/** The last path segment: "export/model.onnx" → "model.onnx" (either slash). */
export const baseName = (path: string): string => path.replace(/^.*[\\/]/, '');

/** A model file's name without folders and without ".onnx": "export/flowers.onnx" → "flowers". */
export const modelStem = (fileName: string): string => baseName(fileName).replace(/\.onnx$/i, '');

/** A model id from a file name: "My Model (v2).onnx" → "my-model-v2". */
export function idFromFileName(fileName: string): string {
  const id = modelStem(fileName)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 128);
  return id || 'model';
}
