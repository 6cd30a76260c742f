/** What the "unlike" statistics of every format share: the judgement, and float arrays as base64 in JSON metadata. */

export interface OodJudgement {
  /** True when the photo's features are unlike the training photos' (ratio above 1). */
  unlike: boolean;
  /** The statistic's value for the photo, and the training photos' threshold for it. */
  score: number;
  threshold: number;
  /** score / threshold: above 1 is unlike. */
  ratio: number;
}

/** Little-endian float32 values as base64 (the platforms OnSight runs on are little-endian). */
export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The reverse of {@link float32ToBase64}; throws naming `what` when the text is not whole float32 values. */
export function base64ToFloat32(text: string, what: string): Float32Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Error(`onsight.ood: ${what} is not base64 text`);
  }
  if (binary.length % 4 !== 0) throw new Error(`onsight.ood: ${what} is not a whole number of float32 values`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
