import type { DataExport, DataExportReply, LoginHistoryReply } from '@studymate/contracts';
import { http } from '../../lib/http';
import { useAuthStore } from '../auth/store';

export async function fetchLoginHistory(): Promise<LoginHistoryReply['items']> {
  return (await http.get<LoginHistoryReply>('/me/login-history')).data.items;
}

/** Starts building my data export on the server (a job); returns it with its progress. */
export async function requestExport(): Promise<DataExport> {
  return (await http.post<DataExport>('/me/exports')).data;
}

export async function fetchLatestExport(): Promise<DataExport | null> {
  return (await http.get<DataExportReply>('/me/exports/latest')).data.export;
}

/** Downloads a ready export through a blob link, so the token stays in a header and out of the URL. */
export async function downloadExport(id: string): Promise<void> {
  const res = await http.get<Blob>(`/me/exports/${id}/download`, { responseType: 'blob' });
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
  useAuthStore.getState().signedOut(true, 'deleted');
}
