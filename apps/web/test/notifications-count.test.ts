import { beforeEach, describe, expect, it } from 'vitest';
import { askUnread, useNotificationsStore } from '../src/features/notifications/store';

/** An answer the test hands back when it chooses, as the network would. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("the bell's unread count", () => {
  beforeEach(() => useNotificationsStore.setState({ unread: 0, pushes: 0, version: 0 }));

  it('takes the count an answer carries when nothing was pushed while asking', async () => {
    useNotificationsStore.getState().pushed(2);
    const page = deferred<{ unread: number }>();
    const asking = askUnread(
      () => page.promise,
      (p) => p.unread,
    );
    page.resolve({ unread: 5 });
    await expect(asking).resolves.toMatchObject({ fresh: true, previous: 2 });
    expect(useNotificationsStore.getState().unread).toBe(5);
  });

  it('keeps a count pushed while a page or the count was being read: the answer is older', async () => {
    const page = deferred<{ unread: number }>();
    const asking = askUnread(
      () => page.promise,
      (p) => p.unread,
    );
    // A notification arrives while the list is on its way; the list was read before it was stored.
    useNotificationsStore.getState().pushed(4);
    page.resolve({ unread: 3 });
    await expect(asking).resolves.toMatchObject({ fresh: false, previous: 4 });
    expect(useNotificationsStore.getState().unread).toBe(4);
  });

  it("keeps the push of a mark-read that arrived before the mark-read's own answer", async () => {
    useNotificationsStore.getState().pushed(6);
    const read = deferred<number>();
    const asking = askUnread(
      () => read.promise,
      (n) => n,
    );
    // Another notification is stored just after the mark-read: its push carries 1 and comes first.
    useNotificationsStore.getState().pushed(1);
    read.resolve(0);
    await asking;
    expect(useNotificationsStore.getState().unread).toBe(1);
  });
});
