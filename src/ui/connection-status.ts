/** What the page says about the network and offline use, and which hint the photo button gives (pure). */

/**
 * The sign shown while the browser is offline; undefined online. With the app cached (`offlineReady`) everything
 * works, a reload included; without it the open page still classifies, but a reload would need the network.
 */
export function offlineSign(online: boolean, offlineReady: boolean): string | undefined {
  if (online) return undefined;
  return offlineReady
    ? 'Offline — everything still works'
    : 'Offline — this page still works, but keep it open until you are back online';
}

/**
 * The hint under "Choose photos". Where there is no mouse or trackpad (phones, tablets) nothing can be dragged onto
 * the page and there is no Ctrl+V, so the hint does not mention them.
 */
export function photoHint(touchOnly: boolean): string {
  return touchOnly
    ? 'From your gallery, your files or the camera. They never leave your device.'
    : 'or drop photos or folders anywhere on this page, or paste one (Ctrl+V / ⌘V). They never leave your device.';
}

/** True on devices with no fine pointer at all (a phone or tablet without a mouse). */
export function isTouchOnly(): boolean {
  return typeof matchMedia === 'function' && !matchMedia('(any-pointer: fine)').matches;
}
