import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Announcement, AnnouncementReply } from '@studymate/contracts';
import { useConfirm } from '../../../components/ConfirmDialog';
import { ChoiceGroup, errorProblem, Field, FormProblem, useAction, type FieldErrors } from '../../../components/form';
import { sendAnnouncement } from '../api';
import { ADMIN_NS } from '../i18n';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_LISTED = 1000;
type Audience = 'everyone' | 'list';

/** The ids in what was pasted (one a line, or separated by commas or spaces), each once, and the entries that are no id. */
export function parseRecipients(text: string): { ids: string[]; invalid: string[] } {
  const entries = text.split(/[\s,;]+/).filter(Boolean);
  const invalid = entries.filter((e) => !UUID.test(e));
  return { ids: [...new Set(entries.filter((e) => UUID.test(e)).map((e) => e.toLowerCase()))], invalid };
}

const empty = { titleKo: '', titleEn: '', bodyKo: '', bodyEn: '', link: '' };

/** `/admin/announcements`: a system notice, in Korean and English, to everyone active or to a list of people. */
export function AnnouncePage() {
  const { t } = useTranslation(ADMIN_NS);
  const { dialog, ask } = useConfirm();
  const [audience, setAudience] = useState<Audience>('list');
  const [list, setList] = useState('');
  const [texts, setTexts] = useState(empty);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [result, setResult] = useState<AnnouncementReply | null>(null);
  // One id per notice being written: sent again after an error (a lost reply), nobody is told twice.
  const [id, setId] = useState(() => crypto.randomUUID());
  const { busy, problem, run } = useAction(errorProblem);
  const parsed = parseRecipients(list);
  const set = (field: keyof typeof empty) => (value: string) => setTexts((x) => ({ ...x, [field]: value }));

  function check(): FieldErrors {
    const found: FieldErrors = {};
    if (audience === 'list') {
      if (parsed.invalid.length) found.list = { text: t('announce.invalidIds', { ids: parsed.invalid.slice(0, 3).join(', ') }) };
      else if (!parsed.ids.length) found.list = { key: 'admin:announce.noIds' };
      else if (parsed.ids.length > MAX_LISTED) found.list = { text: t('announce.tooMany', { max: MAX_LISTED }) };
    }
    if (!texts.titleKo.trim()) found.titleKo = { key: 'admin:announce.required' };
    if (!texts.titleEn.trim()) found.titleEn = { key: 'admin:announce.required' };
    // A body is shown in the reader's language, so it comes in both or in neither.
    if (Boolean(texts.bodyKo.trim()) !== Boolean(texts.bodyEn.trim())) {
      found[texts.bodyKo.trim() ? 'bodyEn' : 'bodyKo'] = { key: 'admin:announce.bothBodies' };
    }
    if (texts.link && !/^\/(?!\/)\S*$/.test(texts.link)) found.link = { key: 'admin:announce.badLink' };
    return found;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setResult(null);
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) return;
    const who = audience === 'everyone' ? t('announce.toEveryone') : t('announce.toList', { count: parsed.ids.length });
    if (!(await ask({ title: t('announce.confirmTitle'), body: who, confirmLabel: t('announce.send') }))) return;
    const announcement: Announcement = {
      id,
      recipients: audience === 'everyone' ? 'everyone' : parsed.ids,
      title: { ko: texts.titleKo.trim(), en: texts.titleEn.trim() },
      ...(texts.bodyKo.trim() ? { body: { ko: texts.bodyKo.trim(), en: texts.bodyEn.trim() } } : {}),
      ...(texts.link ? { link: texts.link } : {}),
    };
    await run(async () => {
      setResult(await sendAnnouncement(announcement));
      setId(crypto.randomUUID());
      setTexts(empty);
      setList('');
    });
  }

  const text = (field: keyof typeof empty, label: string, max: number, multiline = false, optional = false) => (
    <Field label={label} problem={errors[field]} optional={optional}>
      {({ id: fieldId, describedBy, invalid }) => {
        const Control = multiline ? 'textarea' : 'input';
        return (
          <Control
            id={fieldId}
            className={multiline ? 'input min-h-24' : 'input'}
            maxLength={max}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            value={texts[field]}
            onChange={(e: { target: { value: string } }) => set(field)(e.target.value)}
          />
        );
      }}
    </Field>
  );

  return (
    <form className="card space-y-4" onSubmit={(e) => void submit(e)} noValidate>
      <p className="text-sm text-slate-600">{t('announce.intro')}</p>
      <ChoiceGroup<Audience>
        legend={t('announce.recipients')}
        name="audience"
        value={audience}
        onChange={setAudience}
        options={[
          { value: 'list', label: t('announce.list') },
          { value: 'everyone', label: t('announce.everyone') },
        ]}
      />
      {audience === 'list' && (
        <Field label={t('announce.ids')} hint={t('announce.idsHint', { count: parsed.ids.length })} problem={errors.list}>
          {({ id: fieldId, describedBy, invalid }) => (
            <textarea
              id={fieldId}
              className="input min-h-24 font-mono text-sm"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              value={list}
              onChange={(e) => setList(e.target.value)}
            />
          )}
        </Field>
      )}
      {text('titleKo', t('announce.titleKo'), 200)}
      {text('titleEn', t('announce.titleEn'), 200)}
      {text('bodyKo', t('announce.bodyKo'), 1000, true, true)}
      {text('bodyEn', t('announce.bodyEn'), 1000, true, true)}
      {text('link', t('announce.link'), 200, false, true)}
      <FormProblem problem={problem} />
      {result && (
        <p role="status" data-testid="announce-result" className="rounded-xl bg-emerald-50 px-4 py-3 text-sm text-emerald-800">
          {t('announce.result', { stored: result.stored, recipients: result.recipients })}
        </p>
      )}
      <button type="submit" className="btn-primary w-full sm:w-auto" disabled={busy}>
        {busy ? t('announce.sending') : t('announce.review')}
      </button>
      {dialog}
    </form>
  );
}
