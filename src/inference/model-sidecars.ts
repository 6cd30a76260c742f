/** Files a deployed model may have beside it on the server, found by their conventional names. */

/**
 * `<model>.onsight.json` and `labels.txt` beside a deployed model's URL, as companion files for resolveModelSpec.
 * Missing files (404), network errors and HTML answers (a host's single-page fallback) are skipped quietly.
 */
export async function fetchSidecars(modelUrl: string, fileName: string): Promise<File[]> {
  const names = [`${fileName.replace(/\.onnx$/i, '')}.onsight.json`, 'labels.txt'];
  const found = await Promise.all(
    names.map(async (name) => {
      try {
        const res = await fetch(new URL(name, modelUrl));
        if (!res.ok || /text\/html/i.test(res.headers.get('Content-Type') ?? '')) return undefined;
        return new File([await res.blob()], name);
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((f): f is File => f !== undefined);
}
