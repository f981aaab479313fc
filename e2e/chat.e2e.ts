import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import type { RoomSummary } from '@studymate/contracts';
import chat from '../apps/web/src/features/chat/i18n/ko.json';
import matching from '../apps/web/src/features/matching/i18n/ko.json';
import safety from '../apps/web/src/features/safety/i18n/ko.json';
import { onboardedUser } from './support/accounts';
import { baseUrl, launchBrowser, newPage } from './support/browser';
import { confirmInDialog, horizontalOverflow, imageLoaded, onPath, until } from './support/flow';
import { gradientPng } from './support/png';

const resultsDir = path.resolve('test-results');
mkdirSync(resultsDir, { recursive: true });

const messages = (page: Page) => page.getByRole('list', { name: chat.conversation.messages }).getByTestId('message');
const composer = (page: Page) => page.getByLabel(chat.composer.label);
/** The last bubble (sent or pending) is inside the scrolling message list's visible area. */
const newestInView = (page: Page) =>
  page
    .getByRole('list', { name: chat.conversation.messages })
    .locator('li')
    .last()
    .evaluate(
      (el) => el.getBoundingClientRect().bottom <= el.closest('[data-testid="message-scroller"]')!.getBoundingClientRect().bottom + 1,
    );

/** What a screen reader would call the focused element. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });

describe('STUDYMATE chat between two people', () => {
  let browser: Browser;
  let a: { context: BrowserContext; page: Page };
  let b: { context: BrowserContext; page: Page };
  let roomId = '';
  let ready = false;
  let minaAuth: { id: string; headers: Record<string, string> } | null = null;
  let network: 'up' | 'down' | 'lose-next-receipt' = 'up';
  const sockets: WebSocketRoute[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    a = await newPage(browser, 'desktop');
    b = await newPage(browser, 'phone');
    for (const { context } of [a, b]) await context.grantPermissions(['microphone'], { origin: baseUrl });
    // Sam's network can be cut at a chosen moment: his API calls fail and his realtime
    // connection runs through this relay.
    await b.context.route('**/api/**', (route) => (network === 'up' ? route.continue() : route.abort('internetdisconnected')));
    await b.page.routeWebSocket(/\/ws$/, (page) => {
      if (network === 'down') return void page.close({ code: 4000, reason: 'test: network down' });
      const server = page.connectToServer();
      page.onMessage((frame) => server.send(frame));
      server.onMessage((data) => {
        if (network !== 'lose-next-receipt' || typeof data !== 'string') return void page.send(data);
        // The server may write several STOMP frames (each ending in NUL) in one WebSocket message.
        const frames = data.split('\0').filter((f) => f.replace(/^[\r\n]+/, '') !== '');
        const kept: string[] = [];
        for (const raw of frames) {
          const frame = raw.replace(/^[\r\n]+/, '');
          // Held back too: otherwise Sam's copy of the broadcast would settle the message before the receipt.
          if (frame.startsWith('MESSAGE')) continue;
          if (frame.startsWith('RECEIPT')) {
            // The server stored the message, but the connection dies before its receipt arrives.
            network = 'down';
            page.close({ code: 4000, reason: 'test: dropped before the receipt' });
            server.close();
            return;
          }
          kept.push(`${raw}\0`);
        }
        if (kept.length) page.send(kept.join(''));
      });
      sockets.push(page);
    });
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50);
    for (const [who, side] of [
      ['a', a],
      ['b', b],
    ] as const)
      await side?.page.screenshot({ path: path.join(resultsDir, `failed-chat-${who}-${name}.png`), fullPage: true }).catch(() => {});
  });

  afterAll(async () => {
    await a?.context.close();
    await b?.context.close();
    await browser?.close();
  });

  it('sends text live, updates the room list and shows typing and read indicators', async () => {
    const stamp = Date.now();
    const mina = await onboardedUser(a.context, `mina.${stamp}@example.com`, '김미나', 'ko');
    const sam = await onboardedUser(b.context, `sam.${stamp}@example.com`, 'Sam', 'en');
    minaAuth = mina;
    const opened = await a.context.request.post(`${baseUrl}/api/v1/chat/rooms/direct`, {
      data: { partnerId: sam.id },
      headers: mina.headers,
    });
    expect(opened.status(), await opened.text()).toBe(200);
    roomId = ((await opened.json()) as RoomSummary).id;

    // Sam waits on the room list; Mina opens the room from hers.
    await b.page.goto('/chat');
    const samsRow = b.page.getByRole('link', { name: /Mina Kim/ });
    await samsRow.waitFor();
    await a.page.goto('/chat');
    await a.page.getByRole('link', { name: /Sam/ }).click();
    await onPath(a.page, `/chat/${roomId}`);

    const hello = `안녕하세요! 반가워요 ${stamp % 1000}`;
    await composer(a.page).fill(hello);
    await composer(a.page).press('Enter');
    const minasHello = messages(a.page).filter({ hasText: hello });
    await minasHello.waitFor();
    expect(await minasHello.getAttribute('data-mine')).toBe('true');
    await until('the message to be confirmed', async () => (await a.page.getByTestId('pending-message').count()) === 0);

    // Live on Sam's list: the preview and an unread badge, without reloading.
    await samsRow.filter({ hasText: hello }).waitFor();
    await samsRow.getByLabel(chat.rooms.unread.replace('{{count}}', '1')).waitFor();
    await b.page.screenshot({ path: path.join(resultsDir, 'chat-rooms-375.png') });
    // Sam has not opened the room, so Mina must not see "읽음" yet.
    expect(await a.page.getByText(chat.message.read, { exact: true }).count()).toBe(0);

    await samsRow.tap();
    await onPath(b.page, `/chat/${roomId}`);
    const samSees = messages(b.page).filter({ hasText: hello });
    await samSees.waitFor();
    expect(await samSees.getAttribute('data-mine')).toBe('false');
    // Opening the visible conversation marks it read; Mina sees it live under her message.
    await minasHello.getByText(chat.message.read, { exact: true }).waitFor();

    await composer(b.page).pressSequentially('Nice to meet you', { delay: 30 });
    const typing = a.page.getByTestId('typing');
    await typing.waitFor();
    expect(await typing.textContent()).toContain('입력 중…');
    await composer(b.page).press('Enter');
    await messages(a.page).filter({ hasText: 'Nice to meet you' }).waitFor();
    await typing.waitFor({ state: 'detached' });
    ready = true;
  });

  it('sends an image and a recorded voice note that the partner sees and plays', async () => {
    expect(ready, 'needs the room from the first test').toBe(true);
    await a.page.getByTestId('attachment-input').setInputFiles({ name: 'gradient.png', mimeType: 'image/png', buffer: gradientPng(120) });
    const image = messages(b.page).getByRole('img', { name: chat.message.image.replace('{{name}}', 'Mina Kim') });
    await image.waitFor();
    await until('the image to load from its blob URL', () => imageLoaded(image));
    expect(await image.getAttribute('src')).toMatch(/^blob:/);

    await a.page.getByRole('button', { name: chat.composer.record }).click();
    await a.page.getByText(/녹음 중 0:0[2-9]/).waitFor(); // at least two seconds of the fake microphone
    await a.page.getByRole('button', { name: chat.composer.stopRecording }).click();
    const audio = messages(b.page).locator('audio');
    await audio.waitFor({ state: 'attached' }); // the app's own player shows it
    expect(await audio.getAttribute('src')).toMatch(/^blob:/);
    await until('the voice note to be playable', () => audio.evaluate((el) => (el as HTMLAudioElement).readyState >= 1));
    // The server sniffed the recording as a voice note (not a file): it is a `voice` message for Mina too.
    await messages(a.page).getByTestId('voice-note').waitFor();

    // Its length, not 0:00 (a recorded WebM carries none), a readable name, and seeking works.
    const note = messages(b.page).getByTestId('voice-note');
    expect(await note.getByTestId('voice-length').textContent()).toMatch(/^0:0[2-9]$/);
    const length = (await note.getByTestId('voice-length').textContent())!;
    await note.getByRole('button', { name: `${chat.message.play}: ${chat.message.voiceName.replace('{{length}}', length)}` }).waitFor();
    const bars = note.getByRole('slider', { name: chat.message.voiceName.replace('{{length}}', length) });
    const box = (await bars.boundingBox())!;
    await b.page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
    await until('the note to jump to about 60%', async () => (await audio.evaluate((el) => (el as HTMLAudioElement).currentTime)) > 1);
  });

  it("corrects the partner's sentence, shown struck through beside the correction", async () => {
    expect(ready, 'needs the room from the first test').toBe(true);
    const original = messages(b.page).filter({ hasText: '안녕하세요!' }).first();
    await original.getByRole('button', { name: chat.message.actions }).tap();
    await original.getByRole('menuitem', { name: chat.message.correct }).tap();
    await expect.poll(() => composer(b.page).inputValue()).toContain('안녕하세요!');
    await composer(b.page).fill('안녕하세요! 만나서 반가워요');
    await composer(b.page).press('Enter');
    const correction = messages(a.page).getByTestId('correction');
    await correction.waitFor();
    expect(await correction.locator('del').textContent()).toContain('반가워요 ');
    expect(await correction.locator('ins').textContent()).toBe('안녕하세요! 만나서 반가워요');
  });

  it('resends after a dropped connection with the same clientId, stored and shown once', async () => {
    expect(ready, 'needs the room from the first test').toBe(true);
    const banner = b.page.getByRole('status').filter({ hasText: chat.conversation.reconnecting });

    // 1. Sam's SEND reaches the server but the receipt is lost with the connection.
    network = 'lose-next-receipt';
    const lost = '영수증을 못 받은 메시지';
    await composer(b.page).fill(lost);
    await composer(b.page).press('Enter');
    await banner.waitFor();
    expect(await b.page.getByTestId('pending-message').filter({ hasText: lost }).count()).toBe(1);
    await until('the pending message to stay in view under the banner', () => newestInView(b.page));
    await b.page.screenshot({ path: path.join(resultsDir, 'chat-reconnecting-375.png') });

    // 2. While Sam is away, Mina writes; Sam writes too (queued, shown as pending).
    const whileAway = '연결이 끊긴 동안 보낸 메시지';
    await composer(a.page).fill(whileAway);
    await composer(a.page).press('Enter');
    await messages(a.page).filter({ hasText: whileAway }).waitFor();
    const queued = '다시 연결되면 갈 메시지';
    await composer(b.page).fill(queued);
    await composer(b.page).press('Enter');
    await b.page.getByTestId('pending-message').filter({ hasText: queued }).waitFor();

    // 3. Back online: the banner goes, Sam catches up and both queued messages arrive exactly once.
    network = 'up';
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await messages(b.page).filter({ hasText: whileAway }).waitFor();
    for (const text of [lost, queued]) {
      await messages(a.page).filter({ hasText: text }).waitFor();
      await messages(b.page).filter({ hasText: text }).waitFor();
    }
    await until('no pending messages', async () => (await b.page.getByTestId('pending-message').count()) === 0);
    for (const page of [a.page, b.page])
      for (const text of [lost, queued]) expect(await messages(page).filter({ hasText: text }).count(), text).toBe(1);
    expect(sockets.length, 'Sam reconnected at least once').toBeGreaterThan(1);
  });

  it('keeps the whole conversation after a reload, on a 375 px screen', async () => {
    expect(ready, 'needs the room from the first test').toBe(true);
    await b.page.reload();
    await onPath(b.page, `/chat/${roomId}`);
    await messages(b.page).filter({ hasText: 'Nice to meet you' }).waitFor();
    await messages(b.page).filter({ hasText: '안녕하세요!' }).first().waitFor();
    await until('the image after reload', () => imageLoaded(messages(b.page).getByRole('img').first()));
    await messages(b.page).getByTestId('voice-note').waitFor();
    await messages(b.page).getByTestId('correction').waitFor();
    // hello, reply, image, voice, correction, and the three from the reconnect test: each once.
    expect(await messages(b.page).count()).toBe(8);
    // Opened at the newest message, also once the image and the player above it have loaded.
    await until('the newest message to be in view', () => newestInView(b.page));
    expect(await horizontalOverflow(b.page), 'the conversation scrolls sideways').toBeLessThanOrEqual(0);
    // The conversation fills the screen (no tab bar, as in messengers): the composer is at its bottom.
    const box = await composer(b.page).boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(812);
    await b.page.screenshot({ path: path.join(resultsDir, 'chat-conversation-375.png') });
    await a.page.screenshot({ path: path.join(resultsDir, 'chat-conversation-desktop.png') });
  });

  it('replies, edits and deletes, and offers no Translate where the server has no translator', async () => {
    expect(ready, 'needs the room from the first test').toBe(true);
    const samsReply = messages(a.page).filter({ hasText: 'Nice to meet you' });
    await samsReply.getByRole('button', { name: chat.message.actions }).click();
    await samsReply.getByRole('menuitem', { name: chat.message.reply }).click();
    await a.page.getByText(chat.composer.replyingTo.replace('{{name}}', 'Sam Taylor')).waitFor();
    await composer(a.page).fill('저도 만나서 반가워요');
    await composer(a.page).press('Enter');
    const reply = messages(b.page).filter({ hasText: '저도 만나서 반가워요' });
    await reply.locator('blockquote', { hasText: 'Nice to meet you' }).waitFor();

    await reply.getByRole('button', { name: chat.message.actions }).tap();
    expect(await reply.getByRole('menuitem', { name: chat.message.edit }).count(), "no editing someone else's message").toBe(0);
    // This server has no translator configured: Translate is not offered (it could only fail).
    expect(await reply.getByRole('button', { name: chat.message.translate }).count()).toBe(0);

    const mine = messages(a.page).filter({ hasText: '저도 만나서 반가워요' });
    await mine.getByRole('button', { name: chat.message.actions }).click();
    await mine.getByRole('menuitem', { name: chat.message.edit }).click();
    await composer(a.page).fill('저도 정말 반가워요');
    await composer(a.page).press('Enter');
    const edited = messages(b.page).filter({ hasText: '저도 정말 반가워요' });
    await edited.getByText(chat.message.edited).waitFor();

    const editedMine = messages(a.page).filter({ hasText: '저도 정말 반가워요' });
    await editedMine.getByRole('button', { name: chat.message.actions }).click();
    await editedMine.getByRole('menuitem', { name: chat.message.delete }).click();
    await confirmInDialog(a.page, chat.message.confirmDelete, chat.message.delete);
    await until('the deletion to reach Sam', async () => (await messages(b.page).filter({ hasText: '저도 정말 반가워요' }).count()) === 0);
    await messages(b.page).filter({ hasText: chat.message.deleted }).waitFor();
  });

  it('works from the keyboard: the ⋯ panel and a message menu close on Escape and hand focus back; arrow keys move in the menu', async () => {
    expect(ready, 'needs the room from the first test').toBe(true);
    const { page } = a;
    await page.goto(`/chat/${roomId}`);
    await composer(page).waitFor();
    const more = page.getByRole('button', { name: chat.conversation.more });
    const panel = page.getByRole('group', { name: chat.conversation.more });
    await more.focus();
    await page.keyboard.press('Enter');
    await panel.waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await focusedName(page)).toBe(chat.conversation.more);

    // Escape on the block confirmation answers it and gives focus back to Block, in the open panel.
    await page.keyboard.press('Enter');
    await panel.getByRole('button', { name: matching.card.block }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focusedName(page)).toBe(matching.card.block);
    expect(await panel.isVisible(), 'the panel stays open').toBe(true);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await focusedName(page)).toBe(chat.conversation.more);

    // A message's menu: focus on its first item, the arrows move round it, Escape closes it.
    const bubble = messages(page).filter({ hasText: 'Nice to meet you' });
    await bubble.getByRole('button', { name: chat.message.actions }).focus();
    await page.keyboard.press('Enter');
    const menu = bubble.getByRole('menu');
    await menu.waitFor();
    expect(await focusedName(page)).toBe(chat.message.reply);
    await page.keyboard.press('ArrowRight');
    expect(await focusedName(page)).toBe(chat.message.correct);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await focusedName(page), 'wraps round to the last item').toBe(safety.report.message);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await focusedName(page)).toBe(chat.message.actions);
  });

  it("shows the partner's read mark after a reload, and their presence live (online, away)", async () => {
    expect(ready, 'needs the room from the first test').toBe(true);
    // Sam has read everything; after Mina reloads, her newest message still says "읽음".
    await a.page.reload();
    await onPath(a.page, `/chat/${roomId}`);
    const read = messages(a.page).getByText(chat.message.read, { exact: true });
    await read.waitFor();
    expect(await read.count()).toBe(1);
    expect(
      await messages(a.page)
        .filter({ has: a.page.getByText(chat.message.read, { exact: true }) })
        .getAttribute('data-mine'),
    ).toBe('true');

    // Sam's presence in Mina's header and on her room list, following Sam's tab.
    const presence = a.page.getByTestId('partner-presence');
    await until('Sam shown online', async () => (await presence.textContent()) === chat.presence.online);
    const setHidden = (hidden: boolean) =>
      b.page.evaluate((h) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await until('Sam shown away', async () => (await presence.textContent()) === chat.presence.away);
    expect(await a.page.getByRole('img', { name: chat.presence.away }).count()).toBeGreaterThan(0);
    await setHidden(false);
    await until('Sam shown online again', async () => (await presence.textContent()) === chat.presence.online);
  });

  it('finds a message with search in the room and shows it highlighted in the conversation', async () => {
    expect(ready, 'needs the room from the first test').toBe(true);
    await b.page.getByRole('button', { name: chat.conversation.search }).tap();
    await b.page.getByLabel(chat.search.label).fill('영수증');
    await b.page.getByRole('button', { name: chat.search.submit, exact: true }).tap();
    const results = b.page.getByTestId('search-result');
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    expect(await results.first().textContent()).toContain('영수증을 못 받은 메시지');
    await b.page.screenshot({ path: path.join(resultsDir, 'chat-search-375.png') });
    await results.first().tap();
    const hit = messages(b.page).filter({ hasText: '영수증을 못 받은 메시지' });
    await until('the hit to be highlighted', async () => (await hit.getAttribute('data-highlighted')) === 'true');
    await until('the hit to be in view', () =>
      hit.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const view = el.closest('[data-testid="message-scroller"]')!.getBoundingClientRect();
        return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
      }),
    );
    expect(await b.page.getByTestId('search-result').count()).toBe(0);
  });

  it('creates a group, invites a third partner and hands ownership over, visible to the members', async () => {
    expect(ready && minaAuth, 'needs the room from the first test').toBeTruthy();
    // A third person Mina already chats with one-on-one (set up through the API in a context of their own).
    const third = await browser.newContext({ baseURL: baseUrl });
    try {
      const jun = await onboardedUser(third, `jun.${Date.now()}@example.com`, 'Jun', 'en', 'Jun Park');
      const direct = await a.context.request.post(`${baseUrl}/api/v1/chat/rooms/direct`, {
        data: { partnerId: jun.id },
        headers: minaAuth!.headers,
      });
      expect(direct.status(), await direct.text()).toBe(200);
    } finally {
      await third.close();
    }

    // Sam watches his room list: the group must appear there without a reload.
    await b.page.goto('/chat');
    await b.page
      .getByRole('link', { name: /Mina Kim/ })
      .first()
      .waitFor();
    await a.page.goto('/chat');
    await a.page.getByRole('link', { name: chat.rooms.newGroup }).click();
    await onPath(a.page, '/chat/new-group');
    // Without a name the form says what is missing.
    await a.page.getByRole('button', { name: chat.group.create }).click();
    await a.page.getByRole('alert').filter({ hasText: chat.group.needName }).waitFor();
    await a.page.getByLabel(chat.group.name).fill('주말 스터디');
    await a.page.getByRole('checkbox', { name: 'Sam' }).check();
    await a.page.getByRole('button', { name: chat.group.create }).click();
    await until('the new group to open', async () => /^\/chat\/[0-9a-f-]{36}$/.test(new URL(a.page.url()).pathname));
    const groupId = new URL(a.page.url()).pathname.split('/')[2]!;
    await a.page.getByRole('heading', { name: '주말 스터디' }).waitFor();
    await a.page.getByText(chat.group.count.replace('{{count}}', '2')).waitFor();
    await b.page.getByRole('link', { name: /주말 스터디/ }).waitFor({ timeout: 10_000 });
    // In a group, someone else's messages say who wrote them; one's own do not.
    await composer(a.page).fill('주말에 다들 시간 괜찮아요?');
    await composer(a.page).press('Enter');
    await messages(a.page).filter({ hasText: '주말에 다들' }).waitFor();
    expect(await a.page.getByTestId('message-sender').count()).toBe(0);
    await b.page.getByRole('link', { name: /주말 스터디/ }).click();
    const fromMina = messages(b.page).filter({ hasText: '주말에 다들' });
    expect(await fromMina.getByTestId('message-sender').textContent()).toBe('Mina Kim');

    await a.page.getByRole('link', { name: chat.conversation.members }).click();
    await onPath(a.page, `/chat/${groupId}/members`);
    const members = a.page.getByTestId('member');
    await until('both members to be listed', async () => (await members.count()) === 2);
    await a.page.getByLabel(chat.group.invitePick).selectOption({ label: 'Jun Park' });
    await a.page.getByRole('button', { name: chat.group.inviteButton }).click();
    await until('Jun to be a member', async () => (await members.count()) === 3);
    await members.filter({ hasText: 'Jun' }).waitFor();

    // Hand over to Sam: Mina loses the owner's buttons, Sam sees himself as the owner.
    await members.filter({ hasText: 'Sam' }).getByRole('button', { name: chat.group.handOver }).click();
    await confirmInDialog(a.page, chat.group.confirmHandOver.replace('{{name}}', 'Sam Taylor'), chat.group.handOver);
    await members.filter({ hasText: 'Sam' }).getByText(chat.group.owner, { exact: true }).waitFor();
    await until('Mina no longer the owner', async () => (await a.page.getByRole('button', { name: chat.group.handOver }).count()) === 0);
    expect(await a.page.getByRole('button', { name: chat.group.inviteButton }).count()).toBe(0);

    await b.page.goto(`/chat/${groupId}/members`);
    const samRow = b.page.getByTestId('member').filter({ hasText: 'Sam' });
    await samRow.getByText(chat.group.owner, { exact: true }).waitFor();
    expect(await samRow.getByText(chat.group.you).count()).toBe(1);
    expect(await horizontalOverflow(b.page), 'the member list scrolls sideways').toBeLessThanOrEqual(0);
    // The owner's buttons leave every name whole on a phone.
    await b.page.getByRole('button', { name: chat.group.handOver }).first().waitFor();
    const cut = await b.page
      .getByTestId('member-name')
      .evaluateAll((names) => names.filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent));
    expect(cut, 'member names cut short').toEqual([]);
    await b.page.screenshot({ path: path.join(resultsDir, 'chat-members-375.png') });

    // Mina leaves: back on her list, the group is gone; Sam's member list updates live.
    await a.page.getByRole('button', { name: chat.group.leave }).click();
    await confirmInDialog(a.page, chat.group.confirmLeave, chat.group.leave);
    await onPath(a.page, '/chat');
    await a.page.getByRole('link', { name: /Sam/ }).first().waitFor();
    expect(await a.page.getByRole('link', { name: /주말 스터디/ }).count()).toBe(0);
    await until("Mina gone from Sam's list", async () => (await b.page.getByTestId('member').count()) === 2);
  });

  it('lists the files shared in my rooms, with the uploaded image, and downloads it', async () => {
    expect(ready, 'needs the room from the first test').toBe(true);
    await b.page.goto('/chat');
    await b.page.getByRole('link', { name: chat.rooms.files }).tap();
    await onPath(b.page, '/chat/files');
    const image = b.page.getByTestId('shared-file').filter({ hasText: 'gradient.png' });
    await image.waitFor();
    expect(await image.getAttribute('data-kind')).toBe('image');
    await until('the thumbnail to load', () => imageLoaded(image.locator('img')));
    expect(await image.textContent()).toContain(chat.files.kind.image);
    expect(await image.getByRole('link', { name: 'Mina Kim' }).count()).toBe(1);
    // The voice note from the earlier test is listed too, as a voice file.
    expect(await b.page.locator('[data-testid="shared-file"][data-kind="voice"]').count()).toBeGreaterThan(0);
    expect(await horizontalOverflow(b.page), 'the file list scrolls sideways').toBeLessThanOrEqual(0);
    await b.page.screenshot({ path: path.join(resultsDir, 'chat-files-375.png') });
    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      image.getByRole('link', { name: chat.files.download.replace('{{name}}', 'gradient.png') }).tap(),
    ]);
    expect(download.suggestedFilename()).toBe('gradient.png');
  });
});
