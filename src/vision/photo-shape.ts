/**
 * Photos too small or too thin for a classifier's answer to mean much: a 1×1 pixel, an 8000×8 strip. They are still
 * classified (the model answers something for any input); the answer comes with a warning in plain words.
 */

/** Fewer pixels than this (a 32×32 icon) hold too little of anything for the model to recognise. */
export const MIN_PIXELS = 32 * 32;
/** A side more than this many times the other: squeezed or cropped to the model's square, little is left to see. */
export const MAX_ASPECT = 10;

/** The warning for a photo of this size, or undefined when its size is fine. */
export function photoShapeWarning(width: number, height: number): string | undefined {
  const size = `${width}×${height}`;
  if (width * height < MIN_PIXELS)
    return `This picture is tiny (${size} pixels): too small to show much, so the result may mean little`;
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long > MAX_ASPECT * short)
    return `This picture is a thin strip (${size} pixels): the model sees it squeezed or cut, so the result may mean little`;
  return undefined;
}
