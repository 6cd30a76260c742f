/**
 * Imported first by main.tsx, for its side effect: creates the first model load's inference worker while the rest of
 * the page's script is still being evaluated, so ORT starts before the page renders (./prestart.ts says why).
 */
import { parseUrlOptions } from '../ui/url-options';
import { defaultWorker } from './classifier-client-options';
import { prestartInferenceWorker } from './prestart';

const { backend, threads } = parseUrlOptions(location.search);
prestartInferenceWorker({ backend, threads }, defaultWorker, {
  crossOriginIsolated: self.crossOriginIsolated,
  controlled: navigator.serviceWorker?.controller != null,
});
