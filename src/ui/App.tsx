import { useEffect, useMemo, useState } from 'preact/hooks';
import { type BackboneRequest, TrainingClient } from '../train/training-client';
import { deferredToPaint } from './after-paint';
import type { AppState, AppStore } from './app-state';
import type { BatchStore } from './batch-store';
import { ConnectionStatus } from './ConnectionStatus';
import { filesFromClipboard } from './clipboard';
import { DropZone } from './DropZone';
import { downloadBlob } from './download';
import { cleanerSessionFor, type PhotoEmbedder } from './evaluation/cleaner-session';
import { FEATURES } from './features';
import { InstallButton } from './InstallButton';
import { LiveAnnouncer } from './LiveAnnouncer';
import { ModelIntro } from './ModelIntro';
import { ModelPanel } from './ModelPanel';
import { ModelPicker } from './ModelPicker';
import { ResultsSection } from './ResultsSection';
import { SpecEditor } from './SpecEditor';
import type { SpecPreviewer } from './SpecPreviewPanel';
import { StorageInfo } from './StorageInfo';
import { TrainerPanel } from './train/TrainerPanel';
import { TrainerStore } from './train/trainer-store';
import { UpdatePrompt } from './UpdatePrompt';
import { useLeaveWarning } from './use-leave-warning';

function useAppState(store: AppStore): AppState {
  const [state, setState] = useState(store.current);
  useEffect(() => {
    setState(store.current);
    return store.subscribe(setState);
  }, [store]);
  return state;
}

/**
 * One fact about the batch, re-rendering the caller only when it changes: the page around the results need not
 * follow every result of a big batch. With `afterPaint`, a change reaches the caller after the page has painted
 * (see after-paint.ts): for facts nothing waits on, so that they do not hold back the result that changed them.
 */
function useBatchFact<T>(batch: BatchStore, read: (batch: BatchStore) => T, afterPaint = false): T {
  const [value, setValue] = useState(() => read(batch));
  useEffect(() => {
    const update = () => setValue(() => read(batch));
    update();
    const later = deferredToPaint(update);
    const unsubscribe = batch.subscribe(afterPaint ? later.request : update);
    return () => {
      later.cancel();
      unsubscribe();
    };
  }, [batch, read, afterPaint]);
  return value;
}

const hasClassified = (batch: BatchStore) => batch.results.counts().done > 0;
/** Photos this page could still classify (queued, running, or stopped by Cancel), so leaving would lose them. */
const hasUnfinished = (batch: BatchStore) => {
  const { counts, needFolder } = batch.progress();
  return counts.pending - needFolder > 0;
};
const sampleOf = (batch: BatchStore) => batch.sampleFile();

/** The loaded model as a backbone for the training worker (the trainer and the cleaner's near duplicates). */
function currentBackbone(store: AppStore): BackboneRequest | undefined {
  const { model } = store.current;
  const source = store.loadedSource;
  return model && source ? { source, spec: model.spec } : undefined;
}

/** The trainer (#16) on this page: the loaded model is its backbone; a trained model loads like a picked file. */
function createTrainer(store: AppStore): TrainerStore {
  return new TrainerStore({
    createClient: () => new TrainingClient(),
    backbone: () => currentBackbone(store),
    useModel: async (file) => (await store.loadModelFiles([file])) !== undefined,
    download: downloadBlob,
    announce: (text) => store.announce(text),
  });
}

/**
 * Near duplicates in the cleaner (#15): pooled features through a training worker of their own (started on first
 * use), with the loaded model as the backbone.
 */
function nearDuplicateEmbedder(store: AppStore): { embed: PhotoEmbedder; dispose(): void } {
  let client: TrainingClient | undefined;
  return {
    embed: async (photos) => {
      const backbone = currentBackbone(store);
      if (!backbone) return { ok: false, message: 'no model is loaded' };
      client ??= new TrainingClient();
      return client.embed(backbone, photos);
    },
    dispose: () => client?.dispose(),
  };
}

// The batch's facts are read by the few components that show them, so that a photo's result (which flips "something
// classified" and "nothing unfinished" for a single photo) re-renders those and the results, not the whole page.

function LeaveWarning({ batch, savingModel }: { batch: BatchStore; savingModel: boolean }) {
  useLeaveWarning(useBatchFact(batch, hasUnfinished) || savingModel);
  return null;
}

function BatchStorageInfo({ batch, storedModels }: { batch: BatchStore; storedModels: AppState['userModels'] }) {
  return <StorageInfo classified={useBatchFact(batch, hasClassified, true)} storedModels={storedModels} />;
}

function BatchSpecEditor({ state, store, preview }: { state: AppState; store: AppStore; preview?: SpecPreviewer }) {
  const sample = useBatchFact(store.batch, sampleOf, true);
  return <SpecEditor state={state} store={store} preview={preview} sample={sample} />;
}

export function App({ store, previewSpec }: { store: AppStore; previewSpec?: SpecPreviewer }) {
  const state = useAppState(store);
  const addFiles = (files: File[]) => store.addFiles(files);
  const { batch } = store;
  const trainer = useMemo(() => (FEATURES.trainer ? createTrainer(store) : undefined), [store]);
  useEffect(() => () => trainer?.dispose(), [trainer]);
  useEffect(() => {
    const embedder = nearDuplicateEmbedder(store);
    const session = cleanerSessionFor(store.batch);
    session.setEmbedder(embedder.embed);
    return () => {
      session.setEmbedder(undefined);
      embedder.dispose();
    };
  }, [store]);

  useEffect(() => {
    const paste = (event: ClipboardEvent) => {
      const files = filesFromClipboard(event.clipboardData);
      if (files.length === 0) return;
      event.preventDefault();
      store.addFiles(files);
    };
    document.addEventListener('paste', paste);
    return () => document.removeEventListener('paste', paste);
  }, [store]);

  return (
    <>
      <a class="skip-link" href="#results-heading">
        Skip to results
      </a>
      <header class="site-header">
        <h1>OnSight</h1>
        <p class="tagline">Classify photos on your own device. Private, no upload, works offline.</p>
        <InstallButton />
        <ConnectionStatus />
      </header>
      <div class="layout">
        <main class="main">
          <ModelIntro state={state} />
          {trainer && <TrainerPanel store={trainer} backboneName={state.model?.spec.name} />}
          <DropZone onFiles={addFiles} onItems={(items) => store.addItems(items)} />
          <ResultsSection batch={batch} state={state} />
        </main>
        <aside class="aside">
          <ModelPanel
            state={state}
            picker={<ModelPicker state={state} store={store} />}
            editor={<BatchSpecEditor state={state} store={store} preview={previewSpec} />}
          />
          <BatchStorageInfo batch={batch} storedModels={state.userModels} />
        </aside>
      </div>
      <LiveAnnouncer store={store} />
      <LeaveWarning batch={batch} savingModel={state.savingModel !== undefined} />
      <UpdatePrompt />
    </>
  );
}
