import { useEffect, useState } from 'preact/hooks';
import type { AppState, AppStore } from './app-state';
import { ConnectionStatus } from './ConnectionStatus';
import { filesFromClipboard } from './clipboard';
import { DropZone } from './DropZone';
import { InstallButton } from './InstallButton';
import { LiveAnnouncer } from './LiveAnnouncer';
import { ModelIntro } from './ModelIntro';
import { ModelPanel } from './ModelPanel';
import { ModelPicker } from './ModelPicker';
import { ResultCard } from './ResultCard';
import { countResults, describeResultCounts } from './results-count';
import { SpecEditor } from './SpecEditor';
import type { SpecPreviewer } from './SpecPreviewPanel';
import { StorageInfo } from './StorageInfo';
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

export function App({ store, previewSpec }: { store: AppStore; previewSpec?: SpecPreviewer }) {
  const state = useAppState(store);
  const addFiles = (files: File[]) => store.addFiles(files);

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

  const { photos } = state;
  const pending = photos.filter((photo) => photo.status === 'pending').length;
  useLeaveWarning(pending > 0);
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
          <DropZone onFiles={addFiles} />
          <section class="results" aria-labelledby="results-heading">
            <div class="results-header">
              <h2 id="results-heading" tabIndex={-1}>
                Results
                {photos.length > 0 && (
                  <span class="count" data-testid="results-count">
                    {' '}
                    {describeResultCounts(countResults(photos))}
                  </span>
                )}
              </h2>
              {photos.length > 0 && (
                <button type="button" class="button secondary" onClick={() => store.clearAll()}>
                  Clear all
                </button>
              )}
            </div>
            {photos.length === 0 ? (
              <p class="muted empty">No photos yet. Each photo you add gets its own card here.</p>
            ) : (
              <div class="cards">
                {photos.map((photo) => (
                  <ResultCard key={photo.id} photo={photo} onRemove={(id) => store.removePhoto(id)} />
                ))}
              </div>
            )}
          </section>
        </main>
        <aside class="aside">
          <ModelPanel
            state={state}
            picker={<ModelPicker state={state} store={store} />}
            editor={<SpecEditor state={state} store={store} preview={previewSpec} />}
          />
          <StorageInfo classified={photos.some((photo) => photo.status === 'done')} storedModels={state.userModels} />
        </aside>
      </div>
      <LiveAnnouncer announcements={state.announcements} />
      <UpdatePrompt />
    </>
  );
}
