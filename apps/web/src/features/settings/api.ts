import type { LoginHistoryReply } from '@studymate/contracts';
import { http } from '../../lib/http';
import { useAuthStore } from '../auth/store';

export async function fetchLoginHistory(): Promise<LoginHistoryReply['items']> {
  return (await http.get<LoginHistoryReply>('/me/login-history')).data.items;
}

/** Downloads the export through a blob link, so the token stays in a header and out of the URL. */
export async function downloadExport(): Promise<void> {
  const res = await http.get<Blob>('/me/export', { responseType: 'blob' });
  const url = URL.createObjectURL(res.data);
  const a = document.createElement('a');
  a.href = url;
  a.download = `studymate-export-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled; revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function deleteAccount(): Promise<void> {
  await http.delete('/me');
  useAuthStore.getState().signedOut(true);
}
