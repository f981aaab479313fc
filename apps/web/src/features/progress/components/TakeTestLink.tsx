import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLevelTestOffered } from '../../level-test/offered';
import { PROGRESS_NS } from '../i18n';

/** "Take the level test", only for people the test is offered to (nothing until that is known). */
export function TakeTestLink() {
  const { t } = useTranslation(PROGRESS_NS);
  return useLevelTestOffered() ? (
    <Link to="/level-test" className="btn-secondary">
      {t('takeTest')}
    </Link>
  ) : null;
}
