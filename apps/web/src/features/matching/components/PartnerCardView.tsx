import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { CITIES, LANGUAGES, type PartnerCard } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { useLabel } from '../../../i18n';
import { Avatar } from '../../chat/components/common';
import { MaskedText } from '../../safety/components/MaskedText';
import { block, sendRequest } from '../api';
import { useConfirm } from '../../../components/ConfirmDialog';
import { MATCHING_NS } from '../i18n';

function Languages({ title, items }: { title: string; items: PartnerCard['speaks'] }) {
  const { t } = useTranslation(MATCHING_NS);
  const label = useLabel();
  if (!items.length) return null;
  return (
    <p className="text-sm text-slate-600">
      <span className="font-medium text-slate-800">{title}: </span>
      {items
        .map((l) => {
          const name = label(LANGUAGES.find((x) => x.id === l.language) ?? { id: l.language, ko: l.language, en: l.language });
          const level =
            l.level === 'native'
              ? t('card.native')
              : l.verified
                ? `${l.level} · ${t('card.tested')}`
                : `${l.level} · ${t('card.selfRated')}`;
          return `${name} (${level})`;
        })
        .join(', ')}
    </p>
  );
}

/** A self-introduction; one screening found abusive words in is hidden until the viewer chooses to read it. */
function Intro({ text, screened }: { text: string; screened: boolean }) {
  const intro = (
    <p className="text-sm whitespace-pre-line text-slate-700" data-testid="partner-intro">
      {text}
    </p>
  );
  return screened ? <MaskedText kind="intro">{intro}</MaskedText> : intro;
}

/** Writes and sends a request from a card or a profile; tells the person it went. */
export function RequestForm({ partner, onDone }: { partner: PartnerCard; onDone: () => void }) {
  const { t } = useTranslation(MATCHING_NS);
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, problem, run } = useAction(errorProblem);
  if (sent)
    return (
      <p role="status" className="rounded-xl bg-emerald-50 px-4 py-3 text-sm text-emerald-800">
        {t('request.sent', { name: partner.name })}
      </p>
    );
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await sendRequest(partner.userId, message.trim());
          setSent(true);
        });
      }}
    >
      <label className="block text-sm font-medium" htmlFor={`message-${partner.userId}`}>
        {t('request.title', { name: partner.name })}
      </label>
      <textarea
        id={`message-${partner.userId}`}
        className="input min-h-20"
        maxLength={300}
        value={message}
        placeholder={t('request.placeholder')}
        onChange={(e) => setMessage(e.target.value)}
      />
      <FormProblem problem={problem} />
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={onDone} disabled={busy}>
          {t('request.cancel')}
        </button>
        <button type="submit" className="btn-primary" disabled={busy}>
          {t('request.send')}
        </button>
      </div>
    </form>
  );
}

/** Asks first, then blocks; the card's owner hides the person once it is done. */
export function BlockButton({ partner, onBlocked }: { partner: Pick<PartnerCard, 'userId' | 'name'>; onBlocked: () => void }) {
  const { t } = useTranslation(MATCHING_NS);
  const { busy, problem, run } = useAction(errorProblem);
  const confirm = useConfirm();
  return (
    <>
      <button
        type="button"
        className="btn-link text-red-600 hover:text-red-800"
        disabled={busy}
        onClick={() => {
          void confirm
            .ask({ title: t('block.confirm', { name: partner.name }), confirmLabel: t('card.block'), danger: true })
            .then((yes) =>
              yes
                ? run(async () => {
                    await block(partner.userId);
                    onBlocked();
                  })
                : undefined,
            );
        }}
      >
        {t('card.block')}
      </button>
      {confirm.dialog}
      <FormProblem problem={problem} />
    </>
  );
}

/** A partner as recommendations, search and a profile show them: photo, name, city, languages, percentage, reasons. */
export function PartnerCardView({
  partner,
  onBlocked,
  actions,
  showIntro = false,
  profileLink = true,
}: {
  partner: PartnerCard;
  onBlocked?: () => void;
  /** Replaces the default actions (profile, send request, block). */
  actions?: ReactNode;
  showIntro?: boolean;
  /** Off on the profile page itself. */
  profileLink?: boolean;
}) {
  const { t } = useTranslation(MATCHING_NS);
  const label = useLabel();
  const [asking, setAsking] = useState(false);
  const city = CITIES.find((c) => c.id === partner.cityId);
  return (
    <article className="card space-y-3" aria-label={partner.name}>
      <div className="flex items-start gap-3">
        <Avatar name={partner.name} photoUrl={partner.photoUrl} size="size-14" />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-baseline justify-between gap-x-2">
            {/* A person's own page shows the whole name; a card in a list keeps one line. */}
            <h2 className={`text-lg font-bold ${showIntro ? 'break-words' : 'truncate'}`} title={partner.name}>
              {partner.name}
            </h2>
            {partner.percent > 0 && (
              <span className="rounded-full bg-indigo-50 px-2.5 py-0.5 text-sm font-semibold text-indigo-700">
                {t('card.match', { percent: partner.percent })}
              </span>
            )}
          </div>
          {city && <p className="text-sm text-slate-500">{label(city)}</p>}
        </div>
      </div>
      <Languages title={t('card.speaks')} items={partner.speaks} />
      <Languages title={t('card.learns')} items={partner.learns} />
      {showIntro && partner.intro && <Intro text={partner.intro} screened={!!partner.introScreened} />}
      {partner.reasons.length > 0 && (
        <div>
          <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{t('card.why')}</h3>
          <ul className="mt-1 list-inside list-disc space-y-0.5 text-sm text-slate-700">
            {partner.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      )}
      {actions ??
        (asking ? (
          <RequestForm partner={partner} onDone={() => setAsking(false)} />
        ) : (
          <div className="flex flex-wrap items-center gap-3">
            <button type="button" className="btn-primary" onClick={() => setAsking(true)}>
              {t('card.request')}
            </button>
            {profileLink && (
              <Link to={`/matching/people/${partner.userId}`} className="btn-secondary">
                {t('card.view')}
              </Link>
            )}
            {onBlocked && <BlockButton partner={partner} onBlocked={onBlocked} />}
          </div>
        ))}
    </article>
  );
}
