import { useEffect, useState } from 'preact/hooks';
import { getPwaState, type PwaState, subscribePwa } from '../pwa/pwa-state';

/** The PWA state (src/pwa/pwa-state.ts), re-rendering the component on every change. */
export function usePwaState(): PwaState {
  const [state, setState] = useState(getPwaState);
  useEffect(() => subscribePwa(setState), []);
  return state;
}
