import { create } from 'zustand';

/** Why the person was signed out by the server: a suspension (with its end) or a ban; shown on the sign-in page. */
export interface Suspension {
  kind: 'suspend' | 'ban';
  until: string | null;
  reason: string | null;
}

export const useSuspensionStore = create<{ suspension: Suspension | null; set: (s: Suspension | null) => void }>()((set) => ({
  suspension: null,
  set: (suspension) => set({ suspension }),
}));

/** Reads an ACCOUNT_SUSPENDED refusal's details (HTTP body or STOMP ERROR body) into the store. */
export function noteSuspension(details: unknown) {
  const d = (details ?? {}) as { kind?: string; until?: string | null; reason?: string };
  useSuspensionStore.getState().set({ kind: d.kind === 'ban' ? 'ban' : 'suspend', until: d.until ?? null, reason: d.reason ?? null });
}
