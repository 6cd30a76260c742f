import type { ComponentChildren } from 'preact';
import { memo } from 'preact/compat';
import { inputRangeWarning } from '../model/input-range';
import { webAddress } from '../model/source-url';
import { LICENSE_NOT_STATED, type ModelSource } from '../model/spec';
import type { AppState } from './app-state';
import { formatBytes } from './format';
import { SafeText } from './safe-text';

const CLASSES_SHOWN = 24;
/** Characters of a label shown before "more": a class chip, and each of the five in the collapsed summary. */
const LABEL_CHARS = 60;
const SUMMARY_LABEL_CHARS = 40;
/** Messages quote names and values from the model; long enough for any honest one. */
const MESSAGE_CHARS = 600;

/**
 * Where the weights come from. Everything here was written by whoever made the model: shown as inert text, and a link
 * only to a web address (a `javascript:` URL would run on click); any other address is shown as text.
 */
function Credit({ source }: { source: ModelSource }) {
  const link = webAddress(source.url);
  return (
    <p class="credit" data-testid="credit">
      {source.license === LICENSE_NOT_STATED ? 'Made with ' : 'Weights from '}
      {link ? (
        <a href={link} target="_blank" rel="noopener noreferrer">
          <SafeText text={source.name} max={120} expandable={false} />
        </a>
      ) : (
        <SafeText text={source.name} max={120} />
      )}
      {source.url && !link && (
        <>
          {' '}
          (address, not a web link: <SafeText text={source.url} max={120} />)
        </>
      )}
      {source.package && (
        <>
          {' '}
          (<SafeText text={source.package} max={120} />
          {source.version && (
            <>
              {' '}
              <SafeText text={source.version} max={60} />
            </>
          )}
          )
        </>
      )}
      {source.license === LICENSE_NOT_STATED ? (
        '. Its licence is not stated: ask its author before sharing it.'
      ) : (
        <>
          , licensed{' '}
          <strong>
            <SafeText text={source.license} max={120} />
          </strong>
          .
        </>
      )}
    </p>
  );
}

/**
 * Every class as a chip; a long label is cut, with the whole of it on demand. Memoised on the labels array (the same
 * while the model is): the panel re-renders on every state change, and diffing 1,000 ImageNet chips each time cost
 * the page a few ms per photo.
 */
const ClassList = memo(function ClassList({ labels }: { labels: string[] }) {
  return (
    <ul class="classes" data-testid="classes">
      {labels.map((label, i) => (
        // Labels may repeat (a stranger's file): the position is the identity.
        <li key={i}>
          <SafeText text={label} max={LABEL_CHARS} />
        </li>
      ))}
    </ul>
  );
});

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
  const rangeWarning = spec && inputRangeWarning(spec.input);
  return (
    <section class="model-panel" aria-labelledby="model-heading" data-testid="model-panel">
      <h2 id="model-heading">About the model</h2>
      {picker}
      <p class="model-name">
        <SafeText text={spec?.name ?? modelEntry?.name ?? 'Loading the model list…'} max={120} />
      </p>
      {state.savingModel !== undefined && (
        <p class="muted small" role="status" data-testid="model-saving">
          Keeping <SafeText text={state.savingModel} max={120} /> on this device…
        </p>
      )}
      {modelNotice && (
        <p class="notice">
          <SafeText text={modelNotice} max={MESSAGE_CHARS} />
        </p>
      )}
      {modelError && (
        <p class="error-text" role="alert" data-testid="model-error">
          <SafeText text={modelError} max={MESSAGE_CHARS} />
        </p>
      )}
      {rangeWarning && (
        <p class="notice" data-testid="input-range-warning">
          This model may not work: {rangeWarning}
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
            <ClassList labels={labels} />
          ) : (
            <details>
              <summary>
                {labels.slice(0, 5).map((label, i) => (
                  <span key={i}>
                    {i > 0 && ', '}
                    <SafeText text={label} max={SUMMARY_LABEL_CHARS} expandable={false} />
                  </span>
                ))}{' '}
                and {labels.length - 5} more
              </summary>
              <ClassList labels={labels} />
            </details>
          )}
        </>
      )}
      {spec && (
        <>
          <h3>Source and licence</h3>
          {source ? (
            <Credit source={source} />
          ) : (
            <p class="muted" data-testid="credit">
              This model does not say where it comes from or under which licence.
            </p>
          )}
          {source?.notes && (
            <details class="notes" open={source.license === LICENSE_NOT_STATED}>
              <summary>How this model was made</summary>
              <p class="muted small" data-testid="provenance">
                <SafeText text={source.notes} max={2000} />
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
