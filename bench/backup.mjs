// Backup and restore of a database holding 1 million chat messages, with the scripts the
// compose backup service and the Kubernetes CronJob run (deploy/backup/*.sh). Budget: backup under
// 2 minutes, restore under 5. Needs MariaDB (the rows are generated with its sequence engine):
//   TEST_DATABASE_URL=mysql://root@127.0.0.1:3306/studymate_test TEST_REDIS_URL=redis://127.0.0.1:6379 \
//     node --import tsx bench/backup.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, givenUser, startApp } from '../apps/server/test/helpers/app.ts';
import { mysqlRedis } from '../apps/server/test/helpers/backends.ts';
import { root, round } from './lib.mjs';

const MESSAGES = Number(process.env.MESSAGES ?? 1_000_000);
if (mysqlRedis.skip) {
  console.error(mysqlRedis.skip);
  process.exit(2);
}
let env = {};
const t = await startApp({
  ...mysqlRedis,
  async provision() {
    const provisioned = await mysqlRedis.provision();
    env = provisioned.env;
    return provisioned;
  },
});
const url = new URL(env.DATABASE_URL);
const db = url.pathname.slice(1);
const sql = (statement) =>
  execFileSync(
    'mariadb',
    ['--default-character-set=utf8mb4', '-h', url.hostname, '-P', url.port || '3306', '-u', url.username, '-N', '-e', statement, db],
    {
      encoding: 'utf8',
    },
  ).trim();
const backupDir = mkdtempSync(path.join(tmpdir(), 'studymate-bench-backups-'));
const uploadsDir = path.join(env.DATA_DIR, 'uploads');
try {
  const [a, b] = await Promise.all([givenUser(t, { name: 'A' }), givenUser(t, { name: 'B' })]);
  const room = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: a.token, body: { partnerId: b.userId } })).json.id;
  await t.app.close();
  let started = performance.now();
  sql(
    `insert into chat_messages (id, room_id, seq, sender_id, client_id, kind, body, created_at)
     select concat('bench-', seq), '${room}', seq, if(seq % 2, '${a.userId}', '${b.userId}'), concat('client-', seq), 'text',
       concat('메시지 ', seq, ': shall we practise this evening? 오늘 저녁에 연습할까요? 😀'), 1765000000000 + seq * 1000
     from seq_1_to_${MESSAGES}`,
  );
  const populateS = (performance.now() - started) / 1000;
  mkdirSync(uploadsDir, { recursive: true });
  for (let i = 0; i < 200; i++) writeFileSync(path.join(uploadsDir, `photo-${i}.bin`), Buffer.alloc(50_000, i));

  const scriptEnv = { ...process.env, DATABASE_URL: env.DATABASE_URL, BACKUP_DIR: backupDir, UPLOADS_DIR: uploadsDir };
  started = performance.now();
  execFileSync(path.join(root, 'deploy/backup/backup.sh'), { env: scriptEnv, stdio: 'ignore' });
  const backupS = (performance.now() - started) / 1000;
  const written = path.join(
    backupDir,
    readdirSync(backupDir).find((n) => n.startsWith('studymate-')),
  );
  const dumpMb = statSync(path.join(written, 'database.sql.gz')).size / 1e6;

  sql(`drop database ${db}`);
  rmSync(uploadsDir, { recursive: true, force: true });
  started = performance.now();
  execFileSync(path.join(root, 'deploy/backup/restore.sh'), [written], { env: scriptEnv, stdio: 'ignore' });
  const restoreS = (performance.now() - started) / 1000;
  const restored = Number(sql('select count(*) from chat_messages'));

  console.log(
    JSON.stringify({
      bench: 'backup',
      messages: MESSAGES,
      restoredMessages: restored,
      populateS: round(populateS, 1),
      backupS: round(backupS, 1),
      compressedDumpMb: round(dumpMb, 1),
      restoreS: round(restoreS, 1),
      budget: { backupS: 120, restoreS: 300 },
    }),
  );
  if (restored !== MESSAGES || backupS > 120 || restoreS > 300) process.exitCode = 1;
} finally {
  rmSync(backupDir, { recursive: true, force: true });
  await t.close().catch(() => undefined);
}
