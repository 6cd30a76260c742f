/**
 * Entry point: builds the classifier client (worker + onnxruntime-web) and the UI store, mounts <App> into #app, and
 * mirrors the loaded model onto #app's data attributes (data-ready, data-backend, data-threads, data-model), which
 * the end-to-end tests and other automation read.
 */
// First, for its side effect: the first model load's worker starts ORT while the rest of this script runs.
import './inference/prestart-page';
import { render } from 'preact';
import { makeThumbnail, ResultsDb } from './batch';
import { convertInWorker } from './convert/conversion-client';
import { ClassifierClient } from './inference/classifier-client';
import { defaultWorker } from './inference/classifier-client-options';
import { takePrestartedWorker } from './inference/prestart';
import { listUserModels, loadUserModel, removeUserModel, renameUserModel, saveUserModel } from './model/model-store';
import { afterFirstWork } from './pwa/after-first-work';
import { keepCoreCopies } from './pwa/core-copy';
import { listenForIncomingFiles } from './pwa/incoming-files';
import { listenForInstallPrompt } from './pwa/install-prompt';
import { registerServiceWorker } from './pwa/register-sw';
import { App } from './ui/App';
import { type AppState, AppStore } from './ui/app-state';
import type { BatchProgress } from './ui/batch-types';
import { primeFontStrikes } from './ui/font-primer';
import { fetchModelIndex } from './ui/site-models';
import { parseUrlOptions, withModelParam } from './ui/url-options';
// The app's style sheets, in cascade order (later ones may override earlier ones).
import './ui/styles/base.css';
import './ui/styles/drop-zone.css';
import './ui/styles/result-cards.css';
import './ui/styles/batch.css';
import './ui/styles/model-panel.css';
import './ui/styles/guidance.css';
import './ui/styles/adaptations.css';

// The browser may offer installation (beforeinstallprompt) long before the app mounts: keep its prompt from the start.
listenForInstallPrompt();
// The model list this page reads first is kept for the service worker as it downloads (it crosses the network once).
keepCoreCopies();

const root = document.getElementById('app');
if (!root) throw new Error('OnSight: the page has no #app element');

/** The app's base (Vite's `base`, './' by default) as an absolute URL, so a deployment under a sub-path works. */
const baseUrl = new URL(import.meta.env.BASE_URL, document.baseURI);

const options = parseUrlOptions(location.search);
const client = new ClassifierClient({
  backend: options.backend,
  threads: options.threads,
  maxModelBytes: options.maxModelBytes,
  fullSizeDecode: options.fullSizeDecode,
  createWorker: () => takePrestartedWorker() ?? defaultWorker(),
});
const store = new AppStore({
  client,
  fetchModelIndex: () => fetchModelIndex(baseUrl),
  resolveModelUrl: (url) => new URL(url, baseUrl).href,
  createObjectURL: (blob) => URL.createObjectURL(blob),
  revokeObjectURL: (url) => URL.revokeObjectURL(url),
  userModels: {
    list: listUserModels,
    save: saveUserModel,
    load: loadUserModel,
    remove: removeUserModel,
    rename: renameUserModel,
  },
  convertModel: (files, onProgress) => convertInWorker(files, { onProgress }),
  rememberModel: (id) => history.replaceState(history.state, '', withModelParam(location.href, id)),
  openResultsDb: () => ResultsDb.open(),
  makeThumbnail: (file, size) => makeThumbnail(file, { sourceSize: size }),
  requestFrame: (callback) => requestAnimationFrame(() => callback()),
});

/** Photos queued or being classified (not those stopped by Cancel, nor those waiting for their folder). */
function photosInHand({ counts, needFolder, cancelled }: BatchProgress): boolean {
  return counts.pending - needFolder - cancelled > 0;
}

function reflect(element: HTMLElement, state: AppState): void {
  // After a failed load the previous model is still loaded and classifies: still ready.
  const ready = (state.loadStatus.phase === 'ready' || state.loadStatus.phase === 'error') && state.model !== undefined;
  element.dataset.ready = String(ready);
  if (state.model) {
    element.dataset.backend = state.model.backend;
    element.dataset.threads = String(state.model.threads);
    element.dataset.model = state.model.id;
  } else {
    delete element.dataset.backend;
    delete element.dataset.threads;
    delete element.dataset.model;
  }
}

// Results are saved a quarter second at a time: save what is waiting before the page goes.
addEventListener('pagehide', () => void store.batch.saved());

reflect(root, store.current);
store.subscribe((state) => reflect(root, state));
render(<App store={store} previewSpec={(photo, spec) => client.preview(photo, spec, 3)} />, root);
// Once the first screen is painted, while the model loads: the fonts the ready state and the first card need.
requestAnimationFrame(() => setTimeout(() => primeFontStrikes(document.body), 0));
// The model load starts at once on an isolated page; the service worker (offline, isolation on plain hosts) registers
// there once the load and the first photos are done, so its install does not slow them; the page's downloads are kept
// for the worker, so each crosses the network once (registerServiceWorker).
registerServiceWorker({
  start: () => store.start(options),
  registerAfter: (started) => afterFirstWork(started, { busy: () => photosInHand(store.batch.progress()) }),
});
// Photos shared to the installed app (share_target) or opened with it (file_handlers).
listenForIncomingFiles((files) => store.addFiles(files));
