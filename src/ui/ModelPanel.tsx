import type { ComponentChildren } from 'preact';
import { LICENSE_NOT_STATED } from '../model/spec';
import type { AppState } from './app-state';
import { formatBytes } from './format';

const CLASSES_SHOWN = 24;

function LoadProgress({ state }: { state: AppState }) {
  const { loadStatus, conversion } = state;
  if (conversion) {
    return (
      <div class="load-progress" data-testid="conversion-progress">
        <label for="conversion-progress-bar">Converting the model to ONNX on this device</label>
        <progress
          id="conversion-progress-bar"
          value={conversion.done}
          max={conversion.total}
          aria-valuetext={conversion.text}
        />
        <span class="muted">{conversion.text}…</span>
      </div>
    );
  }
  if (loadStatus.phase === 'downloading') {
    const loaded = loadStatus.loadedBytes ?? 0;
    const total = loadStatus.totalBytes;
    return (
      <div class="load-progress" data-testid="model-progress">
        <label for="model-progress-bar">Downloading the model</label>
        <progress id="model-progress-bar" value={total ? loaded : undefined} max={total ?? undefined} />
        <span class="muted">
          {formatBytes(loaded)}
          {total ? ` of ${formatBytes(total)}` : ''}
        </span>
      </div>
    );
  }
  if (loadStatus.phase === 'initialising' || (loadStatus.phase === 'idle' && !state.model && !state.modelError)) {
    return (
      <div class="load-progress" data-testid="model-progress">
        <label for="model-progress-bar">Starting the model…</label>
        <progress id="model-progress-bar" />
      </div>
    );
  }
  return null;
}

/**
 * The About/model panel: what model runs, where it comes from and its licence, and how it runs. `picker` (choosing or
 * bringing a model) goes under the heading, `editor` (the model's spec, correctable) after the facts.
 */
export function ModelPanel({
  state,
  picker,
  editor,
}: {
  state: AppState;
  picker?: ComponentChildren;
  editor?: ComponentChildren;
}) {
  const { model, modelEntry, modelError, modelNotice } = state;
  const spec = model?.spec;
  const source = spec?.source;
  const labels = spec?.labels ?? [];
  return (
    <section class="model-panel" aria-labelledby="model-heading" data-testid="model-panel">
      <h2 id="model-heading">About the model</h2>
      {picker}
      <p class="model-name">{spec?.name ?? modelEntry?.name ?? 'Loading the model list…'}</p>
      {modelNotice && <p class="notice">{modelNotice}</p>}
      {modelError && (
        <p class="error-text" role="alert" data-testid="model-error">
          {modelError}
        </p>
      )}
      <LoadProgress state={state} />
      {model && (
        <dl class="facts">
          <div>
            <dt>Runs on</dt>
            <dd data-testid="backend">
              {model.backend === 'webgpu' ? 'WebGPU' : 'WebAssembly (CPU)'}, {model.threads}{' '}
              {model.threads === 1 ? 'thread' : 'threads'}
            </dd>
          </div>
          {model.backendReason && (
            <div>
              <dt>Why</dt>
              <dd>{model.backendReason}</dd>
            </div>
          )}
          <div>
            <dt>Model file</dt>
            <dd>{formatBytes(model.bytes)}</dd>
          </div>
          <div>
            <dt>Input</dt>
            <dd>
              {spec?.input.width}×{spec?.input.height}, {spec?.input.resize}
            </dd>
          </div>
        </dl>
      )}
      {labels.length > 0 && (
        <>
          <h3>Classes ({labels.length})</h3>
          {labels.length <= CLASSES_SHOWN ? (
            <ul class="classes" data-testid="classes">
              {labels.map((label) => (
                <li key={label}>{label}</li>
              ))}
            </ul>
          ) : (
            <details>
              <summary>
                {labels.slice(0, 5).join(', ')} and {labels.length - 5} more
              </summary>
              <ul class="classes" data-testid="classes">
                {labels.map((label) => (
                  <li key={label}>{label}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      {spec && (
        <>
          <h3>Source and licence</h3>
          {source ? (
            <p class="credit" data-testid="credit">
              {source.license === LICENSE_NOT_STATED ? 'Made with ' : 'Weights from '}
              {source.url ? (
                <a href={source.url} target="_blank" rel="noopener noreferrer">
                  {source.name}
                </a>
              ) : (
                source.name
              )}
              {source.package && ` (${source.package}${source.version ? ` ${source.version}` : ''})`}
              {source.license === LICENSE_NOT_STATED ? (
                '. Its licence is not stated: ask its author before sharing it.'
              ) : (
                <>
                  , licensed <strong>{source.license}</strong>.
                </>
              )}
            </p>
          ) : (
            <p class="muted" data-testid="credit">
              This model does not say where it comes from or under which licence.
            </p>
          )}
          {source?.notes && (
            <details class="notes" open={source.license === LICENSE_NOT_STATED}>
              <summary>How this model was made</summary>
              <p class="muted small" data-testid="provenance">
                {source.notes}
              </p>
            </details>
          )}
        </>
      )}
      {editor}
      <p class="muted small">
        Photos are classified in your browser with onnxruntime-web. Nothing is uploaded; once loaded, it works offline.
      </p>
    </section>
  );
}
