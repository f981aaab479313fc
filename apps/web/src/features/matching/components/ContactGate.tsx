import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RealtimeNotification } from '@studymate/contracts';
import { subscribe } from '../../chat/realtime';
import { fetchContact, type ContactState } from '../api';
import { MATCHING_NS } from '../i18n';

/**
 * Whether I may still write to my 1:1 partner: asked when the conversation opens, again when the
 * server says something changed between us (an unmatch or a block by either side, told live), and
 * set to `blocked` at once when I block them from the header. Null while unknown (the composer shows).
 */
export function useContactState(partnerId: string | undefined) {
  const [state, setState] = useState<ContactState | null>(null);
  useEffect(() => {
    setState(null);
    if (!partnerId) return;
    let live = true;
    const ask = () =>
      fetchContact(partnerId).then(
        (s) => live && setState(s),
        () => undefined,
      );
    void ask();
    const stop = subscribe('/user/queue/notifications', (body) => {
      const { kind, link } = body as RealtimeNotification;
      if (kind === 'contact-changed' && link === `/matching/people/${partnerId}`) void ask();
    });
    return () => {
      live = false;
      stop();
    };
  }, [partnerId]);
  return { state, setState };
}

/** In the composer's place in a 1:1 that no longer takes messages: what happened and what is left. */
export function ClosedConversationNote({ state }: { state: Exclude<ContactState, 'open'> }) {
  const { t } = useTranslation(MATCHING_NS);
  return (
    <p
      role="status"
      data-testid="contact-closed"
      className="border-t border-slate-200 bg-slate-50 px-4 py-4 text-center text-sm text-slate-600"
    >
      {t(`contact.${state}`)}
    </p>
  );
}
