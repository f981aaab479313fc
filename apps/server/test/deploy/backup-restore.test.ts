import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, givenUser, startApp, type TestApp } from '../helpers/app.js';
import { mysqlRedis, type Backend } from '../helpers/backends.js';
import { tinyPng } from '../helpers/files.js';
import { deployDir, repoRoot } from './nginx.js';

/**
 * The restore drill: a populated database and uploads folder are backed up with
 * deploy/backup/backup.sh, the database is dropped and the folder emptied, and the restore block
 * of docs/OPERATIONS.md runs exactly as written. Every table's row count and CHECKSUM TABLE and
 * every file's hash must come back; retention keeps exactly seven days of dated backups.
 */

const hasClient = spawnSync('sh', ['-c', 'command -v mariadb-dump || command -v mysqldump'], { stdio: 'ignore' }).status === 0;
const skip = mysqlRedis.skip ?? (hasClient ? null : 'no mariadb-dump/mysqldump (.ci/run installs mariadb-client)');
if (skip) console.warn(`\n*** SKIPPING the backup and restore drill: ${skip} ***\n`);

/** The bash block that follows `<!-- drill: NAME -->` in docs/OPERATIONS.md. */
export function operationsBlock(name: string): string {
  const doc = readFileSync(path.join(repoRoot, 'docs/OPERATIONS.md'), 'utf8');
  const match = new RegExp(`<!-- drill: ${name} -->\\s*\`\`\`bash\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!match) throw new Error(`docs/OPERATIONS.md has no bash block marked <!-- drill: ${name} -->`);
  return match[1]!;
}

function sql(url: string, statement: string): string[][] {
  const u = new URL(url);
  const out = execFileSync(
    'mariadb',
    [
      '--default-character-set=utf8mb4',
      '-h',
      u.hostname,
      '-P',
      u.port || '3306',
      '-u',
      decodeURIComponent(u.username),
      '--batch',
      '--skip-column-names',
      '-e',
      statement,
    ],
    { encoding: 'utf8', env: { ...process.env, MYSQL_PWD: decodeURIComponent(u.password) } },
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
}

/** Row count and CHECKSUM TABLE of every table in the database. */
function fingerprint(url: string) {
  const db = new URL(url).pathname.slice(1);
  const tables = sql(url, `select table_name from information_schema.tables where table_schema = '${db}' order by table_name`).map(
    (r) => r[0]!,
  );
  return Object.fromEntries(
    tables.map((table) => [
      table,
      {
        rows: Number(sql(url, `select count(*) from \`${db}\`.\`${table}\``)[0]![0]),
        checksum: sql(url, `checksum table \`${db}\`.\`${table}\``)[0]![1],
      },
    ]),
  );
}

/** sha256 of every file under a folder, by relative path. */
function fileHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else
        out[rel] = createHash('sha256')
          .update(readFileSync(path.join(dir, rel)))
          .digest('hex');
    }
  };
  walk('');
  return out;
}

const script = (name: string) => path.join(deployDir, 'backup', name);
const backupsIn = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.startsWith('studymate-'))
    .sort();

describe.skipIf(skip)(`backup and restore drill${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let t: TestApp;
  let env: Record<string, string> = {};
  let backupDir: string;
  let uploadsDir: string;

  beforeAll(async () => {
    // startApp provisions a fresh MariaDB database; keep its environment for the scripts.
    const capturing: Backend = {
      ...mysqlRedis,
      async provision() {
        const provisioned = await mysqlRedis.provision();
        env = provisioned.env;
        return provisioned;
      },
    };
    t = await startApp(capturing);
    uploadsDir = path.join(env.DATA_DIR!, 'uploads');
    backupDir = mkdtempSync(path.join(tmpdir(), 'studymate-backups-'));
  });

  afterAll(async () => {
    await t?.close();
    if (backupDir) rmSync(backupDir, { recursive: true, force: true });
  });

  it('restores every row and every file exactly, by the procedure in docs/OPERATIONS.md', { timeout: 120_000 }, async () => {
    // A populated instance through the API: accounts, a room, messages in Korean and emoji, a photo.
    const [minji, alex] = await Promise.all([givenUser(t, { name: '민지' }), givenUser(t, { name: 'Alex' })]);
    const room = await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: minji.token, body: { partnerId: alex.userId } });
    expect(room.status).toBe(200);
    for (let i = 0; i < 30; i++) {
      const sender = i % 2 ? alex : minji;
      const sent = await api(t, 'POST', `/api/v1/chat/rooms/${room.json.id}/messages`, {
        token: sender.token,
        body: { clientId: `drill-message-${i}`, kind: 'text', body: `안녕하세요 ${i} 👋 'quoted' "double" \\ backslash` },
      });
      expect(sent.status).toBe(200);
    }
    const form = new FormData();
    form.append('photo', new Blob([new Uint8Array(tinyPng())], { type: 'image/png' }), 'me.png');
    const photo = await fetch(`${t.url}/api/v1/me/photo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${minji.token}` },
      body: form,
    });
    expect(photo.status).toBe(200);
    // And files of every shape the folder may hold: nested, binary, empty, a space in the name.
    mkdirSync(path.join(uploadsDir, 'nested/deeper'), { recursive: true });
    writeFileSync(path.join(uploadsDir, 'nested/deeper/blob.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256)));
    writeFileSync(path.join(uploadsDir, 'nested/empty'), '');
    writeFileSync(path.join(uploadsDir, 'with space.txt'), 'hello');
    await t.app.close();

    const before = fingerprint(env.DATABASE_URL!);
    const filesBefore = fileHashes(uploadsDir);
    expect(before.chat_messages?.rows).toBeGreaterThanOrEqual(30);
    expect(Object.values(before).filter((table) => table.rows > 0).length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(filesBefore).length).toBeGreaterThanOrEqual(4);

    const scriptEnv = { ...process.env, DATABASE_URL: env.DATABASE_URL!, BACKUP_DIR: backupDir, UPLOADS_DIR: uploadsDir };
    execFileSync(script('backup.sh'), { env: scriptEnv, stdio: 'pipe' });
    const [written] = backupsIn(backupDir);
    expect(readdirSync(path.join(backupDir, written!)).sort()).toEqual(['SHA256SUMS', 'database.sql.gz', 'uploads.tar.gz']);

    // The disaster.
    const db = new URL(env.DATABASE_URL!).pathname.slice(1);
    sql(env.DATABASE_URL!, `drop database \`${db}\``);
    rmSync(uploadsDir, { recursive: true, force: true });
    mkdirSync(uploadsDir);

    // The restore, exactly as the operations guide tells an operator to run it.
    execFileSync('bash', ['-euo', 'pipefail', '-c', operationsBlock('restore')], { env: scriptEnv, cwd: repoRoot, stdio: 'pipe' });

    expect(fingerprint(env.DATABASE_URL!)).toEqual(before);
    expect(fileHashes(uploadsDir)).toEqual(filesBefore);
    // utf8mb4 survived the round trip.
    const text = sql(env.DATABASE_URL!, `select body from \`${db}\`.chat_messages where client_id = 'drill-message-0'`).flat();
    expect(text[0] ?? '').toContain('👋');
  });

  it('refuses to restore a backup whose files do not match their checksums', () => {
    const [latest] = backupsIn(backupDir).slice(-1);
    const copy = mkdtempSync(path.join(tmpdir(), 'studymate-tampered-'));
    try {
      execFileSync('cp', ['-a', path.join(backupDir, latest!), copy]);
      const tampered = path.join(copy, latest!);
      writeFileSync(path.join(tampered, 'uploads.tar.gz'), 'not the archive');
      const result = spawnSync(script('restore.sh'), [tampered], {
        env: { ...process.env, DATABASE_URL: env.DATABASE_URL!, UPLOADS_DIR: uploadsDir },
        encoding: 'utf8',
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('does not match its checksums');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('keeps exactly the seven newest days of backups, and deletes nothing when a backup fails', () => {
    // Ten earlier nights, one of them with two backups (backups are named by their UTC date).
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
    for (let ago = 1; ago <= 10; ago++) mkdirSync(path.join(backupDir, `studymate-${day(ago)}-020000`));
    mkdirSync(path.join(backupDir, `studymate-${day(3)}-150000`));
    const scriptEnv = { ...process.env, DATABASE_URL: env.DATABASE_URL!, BACKUP_DIR: backupDir, UPLOADS_DIR: uploadsDir };

    // A failing run (the database is not there) leaves everything in place.
    const missing = new URL(env.DATABASE_URL!);
    missing.pathname = '/studymate_no_such_database';
    const present = backupsIn(backupDir);
    const failing = spawnSync(script('backup.sh'), { env: { ...scriptEnv, DATABASE_URL: missing.toString() }, encoding: 'utf8' });
    expect(failing.status).not.toBe(0);
    expect(backupsIn(backupDir)).toEqual(present);

    execFileSync(script('backup.sh'), { env: scriptEnv, stdio: 'pipe' });
    const dates = [...new Set(backupsIn(backupDir).map((n) => n.slice(10, 20)))];
    expect(dates).toEqual([6, 5, 4, 3, 2, 1, 0].map(day));
    // Both of the day with two backups are kept; no half-written backup is left behind.
    expect(backupsIn(backupDir).filter((n) => n.includes(day(3)))).toHaveLength(2);
    expect(readdirSync(backupDir).filter((n) => n.startsWith('.partial-'))).toEqual([]);
  });
});
