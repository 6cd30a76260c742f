import { useEffect, useRef, useState } from 'preact/hooks';
import { SafeText } from '../safe-text';
import { cameraFileName, cameraProblem, NO_CAMERA_API } from './camera';

const JPEG_QUALITY = 0.9;

/** The video frame now, as a JPEG file; undefined before the camera shows a picture. */
async function captureFrame(video: HTMLVideoElement, name: string): Promise<File | undefined> {
  const { videoWidth: width, videoHeight: height } = video;
  if (!width || !height) return undefined;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')?.drawImage(video, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
  return blob ? new File([blob], name, { type: 'image/jpeg' }) : undefined;
}

/**
 * Photos for one class from the camera (#16): a live preview and "Take photo" (each press adds a JPEG to the
 * class); where the browser has no camera API or the camera is refused or absent, says so and offers the system's
 * camera app (`capture`). The stream is stopped when the dialog closes, however it closes.
 */
export function CameraDialog({
  className,
  onPhotos,
  onClose,
}: {
  className: string;
  onPhotos: (files: File[]) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const fallback = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string>();
  /** A stream is open (the preview shows), and it has shown a frame (a photo can be taken). */
  const [opened, setOpened] = useState(false);
  const [live, setLive] = useState(false);
  const count = useRef(0);
  const [taken, setTaken] = useState(0);

  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
    let stream: MediaStream | undefined;
    let closed = false;
    const media = navigator.mediaDevices;
    if (!media?.getUserMedia) setProblem(NO_CAMERA_API);
    else
      media.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(
        (opened) => {
          stream = opened;
          if (closed) {
            for (const track of opened.getTracks()) track.stop();
            return;
          }
          if (video.current) video.current.srcObject = stream;
          setOpened(true);
        },
        (error) => !closed && setProblem(cameraProblem(error)),
      );
    return () => {
      closed = true;
      for (const track of stream?.getTracks() ?? []) track.stop();
      if (video.current) video.current.srcObject = null;
    };
  }, []);

  const take = async () => {
    const frame = video.current && (await captureFrame(video.current, cameraFileName(++count.current)));
    if (!frame) {
      setProblem('The camera has not shown a picture yet: wait a moment, then take the photo again.');
      return;
    }
    setProblem(undefined);
    setTaken((n) => n + 1);
    onPhotos([frame]);
  };

  return (
    <dialog
      ref={dialog}
      class="apply-dialog camera-dialog"
      data-testid="camera-dialog"
      data-live={live}
      data-taken={taken}
      aria-labelledby="camera-title"
      onCancel={(event) => {
        event.preventDefault(); // Escape: close through onClose, so the stream stops with the dialog
        onClose();
      }}
    >
      <h2 id="camera-title">
        Photos for “<SafeText text={className} max={40} expandable={false} />”
      </h2>
      <video
        ref={video}
        class="camera-preview"
        autoPlay
        muted
        playsInline
        hidden={!opened}
        aria-label="Camera preview"
        onLoadedData={() => setLive(true)}
      />
      {problem && (
        <p class="trainer-problem" role="alert" data-testid="camera-problem">
          {problem}
        </p>
      )}
      <p class="small" role="status" data-testid="camera-taken">
        {taken > 0
          ? `${taken} photo${taken === 1 ? '' : 's'} taken into this class.`
          : !live && !problem
            ? 'Starting the camera…'
            : 'No photos taken yet.'}
      </p>
      <input
        ref={fallback}
        type="file"
        accept="image/*"
        capture="environment"
        class="visually-hidden"
        tabIndex={-1}
        data-testid="camera-fallback-input"
        aria-label={`Take a photo for class ${className} with the camera app`}
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          event.currentTarget.value = '';
          if (files.length) {
            setTaken((n) => n + files.length);
            onPhotos(files);
          }
        }}
      />
      <div class="apply-actions">
        {live && (
          <button type="button" class="button" data-testid="camera-capture" onClick={() => void take()}>
            Take photo
          </button>
        )}
        {!live && problem && (
          <button type="button" class="button" onClick={() => fallback.current?.click()}>
            Use the camera app
          </button>
        )}
        <button type="button" class="button secondary" data-testid="camera-close" onClick={onClose}>
          Done
        </button>
      </div>
    </dialog>
  );
}
