import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { removePhoto, uploadPhoto } from '../api';

const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_BYTES = 10 * 1024 * 1024;

interface Props {
  photoUrl: string | null;
  onChange: (photoUrl: string | null) => void;
}

/** Profile photo from a file or the webcam; uploaded as soon as it is chosen. */
export function PhotoPicker({ photoUrl, onChange }: Props) {
  const { t } = useTranslation();
  const fileRef = useRef<HTMLInputElement>(null);
  const { busy, problem, setProblem, run } = useAction(errorProblem);
  const [camera, setCamera] = useState(false);

  async function upload(photo: Blob, filename: string) {
    // Checked here for a quick answer; the server sniffs the bytes and has the final word.
    if (!ACCEPTED.includes(photo.type)) return setProblem({ key: 'errors.UNSUPPORTED_MEDIA_TYPE' });
    if (photo.size > MAX_BYTES) return setProblem({ key: 'errors.PAYLOAD_TOO_LARGE' });
    await run(async () => {
      onChange(await uploadPhoto(photo, filename));
      setCamera(false);
    });
  }

  async function remove() {
    await run(async () => {
      await removePhoto();
      onChange(null);
    });
  }

  return (
    <div className="space-y-3">
      <div className="flex items-center gap-4">
        <div className="size-20 shrink-0 overflow-hidden rounded-full bg-slate-100 ring-1 ring-slate-200">
          {photoUrl ? (
            <img src={photoUrl} alt={t('photo.preview')} className="size-full object-cover" />
          ) : (
            <div className="flex size-full items-center justify-center text-xs text-slate-400">{t('photo.none')}</div>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          <input
            ref={fileRef}
            type="file"
            accept={ACCEPTED.join(',')}
            className="sr-only"
            aria-label={t('photo.chooseFile')}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = ''; // choosing the same file again should upload again
              if (file) void upload(file, file.name);
            }}
          />
          <button type="button" className="btn-secondary" disabled={busy} onClick={() => fileRef.current?.click()}>
            {t('photo.chooseFile')}
          </button>
          <button type="button" className="btn-secondary" disabled={busy || camera} onClick={() => setCamera(true)}>
            {t('photo.useCamera')}
          </button>
          {photoUrl && (
            <button type="button" className="btn-link px-2" disabled={busy} onClick={() => void remove()}>
              {t('photo.remove')}
            </button>
          )}
        </div>
      </div>
      {busy && (
        <p className="text-sm text-slate-500" role="status">
          {t('photo.uploading')}
        </p>
      )}
      {camera && <CameraCapture onCapture={(blob) => void upload(blob, 'camera.jpg')} onClose={() => setCamera(false)} busy={busy} />}
      <FormProblem problem={problem} />
    </div>
  );
}

function CameraCapture({ onCapture, onClose, busy }: { onCapture: (b: Blob) => void; onClose: () => void; busy: boolean }) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let cancelled = false;
    // mediaDevices is missing on insecure origins and some in-app browsers.
    if (!navigator.mediaDevices?.getUserMedia) {
      setFailed(true);
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 640 } }, audio: false })
      .then((s) => {
        if (cancelled) return s.getTracks().forEach((track) => track.stop());
        stream = s;
        if (videoRef.current) videoRef.current.srcObject = s;
      })
      .catch(() => setFailed(true));
    // The camera light must go off as soon as the panel closes.
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  function capture() {
    const video = videoRef.current;
    if (!video || !video.videoWidth) return;
    // A centred square crop: profile photos are shown round.
    const side = Math.min(video.videoWidth, video.videoHeight);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = Math.min(side, 640);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.drawImage(video, (video.videoWidth - side) / 2, (video.videoHeight - side) / 2, side, side, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => blob && onCapture(blob), 'image/jpeg', 0.9);
  }

  if (failed) {
    return (
      <div className="rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-800" role="alert">
        {t('photo.cameraUnavailable')}{' '}
        <button type="button" className="btn-link" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    );
  }
  return (
    <div className="space-y-2 rounded-2xl border border-slate-200 bg-slate-900 p-3">
      <video
        ref={videoRef}
        autoPlay
        playsInline
        muted
        onLoadedData={() => setReady(true)}
        aria-label={t('photo.cameraPreview')}
        className="mx-auto aspect-square w-full max-w-xs rounded-xl bg-black object-cover"
      />
      <div className="flex justify-center gap-2">
        <button type="button" className="btn-primary" disabled={!ready || busy} onClick={capture}>
          {t('photo.capture')}
        </button>
        <button type="button" className="btn-secondary" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
