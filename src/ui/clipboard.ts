/**
 * Image files on a clipboard paste. Screenshots arrive as "image.png" every time, so unnamed or generic pastes get a
 * distinct name to tell their cards apart.
 */
export function filesFromClipboard(data: DataTransfer | null, now = new Date()): File[] {
  if (!data) return [];
  const files: File[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file' || !item.type.startsWith('image/')) continue;
    const file = item.getAsFile();
    if (!file) continue;
    if (file.name && file.name !== 'image.png') {
      files.push(file);
      continue;
    }
    const extension = file.type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
    const stamp = now.toTimeString().slice(0, 8).replaceAll(':', '');
    const suffix = files.length > 0 ? `-${files.length + 1}` : '';
    files.push(new File([file], `pasted-${stamp}${suffix}.${extension}`, { type: file.type }));
  }
  return files;
}
