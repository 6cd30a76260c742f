/**
 * The PWA modules without a browser: importing them adds no window listener (main.tsx starts each one, in order);
 * the install prompt is kept once listening starts and can be used once; a failed share says why and leaves the URL.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A stand-in `window` that records which listeners are added. */
function fakeWindow(href = 'https://app.test/') {
  const target = new EventTarget();
  const added: string[] = [];
  return {
    added,
    location: { href },
    addEventListener: (type: string, listener: EventListener) => {
      added.push(type);
      target.addEventListener(type, listener);
    },
    dispatchEvent: (event: Event) => target.dispatchEvent(event),
  };
}

/** What Chromium's beforeinstallprompt carries, with a count of prompt() calls. */
function installPromptEvent(outcome: 'accepted' | 'dismissed') {
  const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
    prompted: 0,
    prompt: async () => {
      event.prompted++;
    },
    userChoice: Promise.resolve({ outcome, platform: 'web' }),
  });
  return event;
}

let win: ReturnType<typeof fakeWindow>;
beforeEach(() => {
  vi.resetModules(); // each test gets fresh module state (the PWA store, "already listening")
  win = fakeWindow('https://app.test/?shared=quota&model=m2');
  vi.stubGlobal('window', win);
  vi.stubGlobal('navigator', { userAgent: 'test' });
  vi.stubGlobal('history', { state: null, replaceState: vi.fn() });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('PWA startup', () => {
  it('adds no window listener on import', async () => {
    await import('../../src/pwa/pwa-state');
    await import('../../src/pwa/install-prompt');
    await import('../../src/pwa/incoming-files');
    await import('../../src/pwa/register-sw');
    await import('../../src/ui/use-pwa-state');
    expect(win.added).toEqual([]);
  });

  it('keeps the install prompt once listening, and uses it only once', async () => {
    const { listenForInstallPrompt, promptInstall } = await import('../../src/pwa/install-prompt');
    const { getPwaState } = await import('../../src/pwa/pwa-state');
    listenForInstallPrompt();
    listenForInstallPrompt(); // a second start adds nothing
    expect(win.added.sort()).toEqual(['appinstalled', 'beforeinstallprompt']);

    const event = installPromptEvent('accepted');
    win.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(getPwaState().installPrompt).toBe(event);
    expect(await promptInstall()).toBe(true);
    expect(await promptInstall()).toBe(false);
    expect(event.prompted).toBe(1);
    expect(getPwaState().installPrompt).toBeNull();

    win.dispatchEvent(installPromptEvent('dismissed'));
    win.dispatchEvent(new Event('appinstalled'));
    expect(getPwaState()).toMatchObject({ installPrompt: null, installed: true });
  });

  it('a share the service worker could not store says why, and leaves the address without ?shared=', async () => {
    const { takeSharedFiles } = await import('../../src/pwa/incoming-files');
    const { getPwaState } = await import('../../src/pwa/pwa-state');
    expect(await takeSharedFiles()).toEqual([]);
    expect(getPwaState().message).toBe('The shared photos could not be stored: your device is out of storage space.');
    expect(history.replaceState).toHaveBeenCalledWith(null, '', 'https://app.test/?model=m2');
  });
});
