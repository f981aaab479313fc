import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { PartnerCard } from '@studymate/contracts';
import { errorProblem, FormProblem } from '../../../components/form';
import { currentUiLanguage } from '../../../i18n';
import { fetchPerson } from '../api';
import { MATCHING_NS } from '../i18n';
import { loadMates, useMatchingStore } from '../store';
import { MateActions } from './MatesPage';
import { PartnerCardView } from './PartnerCardView';
import { ReportDialog } from '../../safety/components/ReportDialog';
import { SAFETY_NS } from '../../safety/i18n';

/**
 * `/matching/people/:userId`: one person's profile. A mate's offers what the mates page does (chat,
 * book, call, unmatch); anyone else's a request and a block.
 */
export function PersonPage() {
  const { t, i18n } = useTranslation(MATCHING_NS);
  const { userId = '' } = useParams();
  const navigate = useNavigate();
  const [person, setPerson] = useState<PartnerCard | null>(null);
  const [problem, setProblem] = useState<ReturnType<typeof errorProblem>>();
  const [reporting, setReporting] = useState(false);
  const mates = useMatchingStore((s) => s.mates);
  const mate = mates?.find((m) => m.partner.userId === userId);
  // Whether they are a mate decides the actions; a failed read of the mates still shows the profile.
  const [matesFailed, setMatesFailed] = useState(false);
  useEffect(() => {
    fetchPerson(userId, currentUiLanguage()).then(setPerson, (error: unknown) => setProblem(errorProblem(error)));
    loadMates().catch((error: unknown) => {
      setProblem(errorProblem(error));
      setMatesFailed(true);
    });
  }, [userId, i18n.resolvedLanguage]);
  const left = () => navigate('/matching', { replace: true });
  return (
    <section className="space-y-4">
      <button type="button" className="btn-link" onClick={() => navigate(-1)}>
        ← {t('person.back')}
      </button>
      <FormProblem problem={problem} />
      {person && (mates || matesFailed) && (
        <PartnerCardView
          partner={person}
          showIntro
          profileLink={false}
          onBlocked={left}
          actions={mate && <MateActions mate={mate} onChanged={left} />}
        />
      )}
      {person && (
        <button type="button" className="min-h-11 text-sm font-semibold text-red-700 underline" onClick={() => setReporting(true)}>
          {t('report.person', { ns: SAFETY_NS })}
        </button>
      )}
      {person && reporting && <ReportDialog userId={person.userId} name={person.name} onClose={() => setReporting(false)} />}
    </section>
  );
}
