/** The results heading's count, in words: how many photos, how many still in progress, how many failed. */

export interface ResultCounts {
  total: number;
  pending: number;
  failed: number;
}

/** Counts photos by status. */
export function countResults(photos: readonly { status: string }[]): ResultCounts {
  let pending = 0;
  let failed = 0;
  for (const photo of photos) {
    if (photo.status === 'pending') pending++;
    else if (photo.status === 'error') failed++;
  }
  return { total: photos.length, pending, failed };
}

/** "(1,200, 3 in progress, 2 failed)"; empty when there are no photos. */
export function describeResultCounts({ total, pending, failed }: ResultCounts): string {
  if (total === 0) return '';
  const parts = [total.toLocaleString('en')];
  if (pending > 0) parts.push(`${pending.toLocaleString('en')} in progress`);
  if (failed > 0) parts.push(`${failed.toLocaleString('en')} failed`);
  return `(${parts.join(', ')})`;
}
