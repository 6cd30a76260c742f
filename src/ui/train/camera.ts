/**
 * The trainer's camera (#16), its pure parts: what to tell the user when `getUserMedia` fails, and the captured
 * photos' file names.
 */

/** In plain words, why the camera did not start; each ends by pointing at the fallback (the system's camera app). */
export function cameraProblem(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const fallback = 'You can still take a photo with your device’s camera app: “Use the camera app” below.';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `The camera was refused. To use it here, allow the camera for this site in the browser’s settings. ${fallback}`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No camera was found on this device. ${fallback}`;
    case 'NotReadableError':
    case 'AbortError':
      return `The camera could not be started: another app may be using it. Close that app and try again. ${fallback}`;
    default:
      return `The camera could not be started${error instanceof Error && error.message ? ` (${error.message})` : ''}. ${fallback}`;
  }
}

/** Said when the browser has no camera API at all (an old browser, or a page not served securely). */
export const NO_CAMERA_API =
  'This browser gives this page no access to a camera. You can still take a photo with your device’s camera app: “Use the camera app” below.';

/** "camera-142503-2.jpg": the time of the capture and its number, so photos taken in one second differ. */
export function cameraFileName(taken: number, now = new Date()): string {
  const stamp = now.toTimeString().slice(0, 8).replaceAll(':', '');
  return `camera-${stamp}-${taken}.jpg`;
}
