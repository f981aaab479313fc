import { expect } from 'vitest';
import { api, type Client, type TestApp } from './app.js';
import { until } from './wait.js';

/**
 * Asks for a data export and follows its progress until it is ready, as the settings page does,
 * then downloads it. Returns the export's id, the JSON, and the progress values seen on the way.
 */
export async function buildExport(t: Pick<TestApp, 'url'>, user: Client) {
  const started = await api(t, 'POST', '/api/v1/me/exports', { token: user.token });
  expect(started.status).toBe(202);
  expect(started.json).toMatchObject({ status: 'building' });
  const progress: number[] = [started.json.progress];
  let latest: any = null;
  await until('the export to be ready', async () => {
    latest = (await api(t, 'GET', '/api/v1/me/exports/latest', { token: user.token })).json.export;
    progress.push(latest.progress);
    if (latest.status === 'failed') throw new Error('export failed');
    return latest.status === 'ready';
  });
  expect(latest.id).toBe(started.json.id);
  const file = await fetch(`${t.url}/api/v1/me/exports/${latest.id}/download`, { headers: { authorization: `Bearer ${user.token}` } });
  expect(file.status).toBe(200);
  expect(file.headers.get('content-disposition')).toMatch(/attachment; filename="studymate-export-/);
  return { id: latest.id as string, latest, progress, data: (await file.json()) as any };
}
