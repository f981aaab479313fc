import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

/**
 * A button that opens a panel beside it (the chat's ⋯ More, a message's menu). Escape closes it
 * and gives focus back to the button; a click or focus outside closes it. A dialog opened from the
 * panel (a confirmation) is not "outside": its own Escape answers the dialog only.
 */
export function usePopover<Root extends HTMLElement = HTMLDivElement>() {
  const [open, setOpen] = useState(false);
  /** Holds the button and the panel. */
  const root = useRef<Root>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const outside = (target: EventTarget | null) =>
      target instanceof Element && !root.current?.contains(target) && !target.closest('dialog');
    const onPointer = (e: PointerEvent) => outside(e.target) && setOpen(false);
    const onFocus = (e: FocusEvent) => outside(e.target) && setOpen(false);
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || (e.target instanceof Element && e.target.closest('dialog'))) return;
      setOpen(false);
      trigger.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('focusin', onFocus);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('focusin', onFocus);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return { open, setOpen, root, trigger };
}

const MOVES: Record<string, (at: number, count: number) => number> = {
  ArrowDown: (at) => at + 1,
  ArrowRight: (at) => at + 1,
  ArrowUp: (at) => at - 1,
  ArrowLeft: (at) => at - 1,
  Home: () => 0,
  End: (_, count) => count - 1,
};

/** Arrow keys, Home and End move focus between a `role="menu"`'s items, wrapping round (the ARIA menu pattern). */
export function moveInMenu(e: KeyboardEvent<HTMLElement>) {
  const move = MOVES[e.key];
  if (!move) return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  if (!items.length) return;
  e.preventDefault();
  const next = move(items.indexOf(document.activeElement as HTMLElement), items.length);
  items[(next + items.length) % items.length]!.focus();
}
