/** Saves `blob` as a file the way a page can: a temporary object URL on a link with `download`, clicked. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the URL after click() returns: let it live a while.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
