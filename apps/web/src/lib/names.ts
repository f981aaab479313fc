import { useTranslation } from 'react-i18next';

/**
 * The name others see (the English name from onboarding) when it is worth saying beside the name
 * from sign-in: null when there is none or it is the same name in other spacing or case.
 */
export function otherName(signInName: string, publicName: string | null | undefined): string | null {
  if (!publicName) return null;
  const same = (s: string) => s.trim().toLocaleLowerCase();
  return same(publicName) === same(signInName) ? null : publicName;
}

/**
 * A person's name for the page: a deleted account has none (the server sends an empty name), and
 * reads "Deleted user" in the reader's language.
 */
export function usePersonName(): (name: string) => string {
  const { t } = useTranslation();
  return (name) => name || t('common.deletedUser');
}
