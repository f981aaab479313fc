import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SLOTS_PER_DAY, WEEKDAYS, type WeeklySlot } from '@studymate/contracts';
import { useLabel } from '../../../i18n';
import { slotTime } from '../../../lib/slots';

const key = (day: number, slot: number) => `${day}:${slot}`;

interface Props {
  value: WeeklySlot[];
  onChange: (slots: WeeklySlot[]) => void;
  labelledBy?: string;
}

/**
 * Weekly availability: 7 days × 48 half-hour slots in the user's own time zone.
 * Desktop: the whole week, click or drag to paint. Phone: one day at a time, tap to toggle.
 */
export function WeekGrid({ value, onChange, labelledBy }: Props) {
  const { t } = useTranslation();
  const label = useLabel();
  const selected = new Set(value.map((s) => key(s.day, s.slot)));
  // Painting: the first cell decides whether the drag adds or removes.
  const paint = useRef<{ add: boolean; touched: Set<string> } | null>(null);
  const latest = useRef(selected);
  latest.current = selected;
  const scroller = useRef<HTMLDivElement>(null);
  const [phoneDay, setPhoneDay] = useState(1);

  const emit = (next: Set<string>) =>
    onChange(
      [...next]
        .map((k) => k.split(':').map(Number) as [number, number])
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])
        .map(([day, slot]) => ({ day, slot })),
    );

  const toggle = (day: number, slot: number) => {
    const next = new Set(selected);
    const k = key(day, slot);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    emit(next);
  };

  const applyPaint = (k: string) => {
    const p = paint.current;
    if (!p || p.touched.has(k)) return;
    p.touched.add(k);
    const next = new Set(latest.current);
    if (p.add) next.add(k);
    else next.delete(k);
    latest.current = next;
    emit(next);
  };

  useEffect(() => {
    const stop = () => (paint.current = null);
    window.addEventListener('pointerup', stop);
    window.addEventListener('pointercancel', stop);
    return () => {
      window.removeEventListener('pointerup', stop);
      window.removeEventListener('pointercancel', stop);
    };
  }, []);

  // Open the week at 07:00 rather than midnight, where few people are free. Measured against the
  // scroller itself: offsetTop counts from the page, which opened the grid at about 14:00.
  useEffect(() => {
    const box = scroller.current;
    const row = box?.querySelector<HTMLElement>('[data-row="14"]');
    const header = box?.querySelector<HTMLElement>('[data-header]');
    if (!box || !row) return;
    box.scrollTop += row.getBoundingClientRect().top - box.getBoundingClientRect().top - (header?.offsetHeight ?? 0);
  }, []);

  const slots = Array.from({ length: SLOTS_PER_DAY }, (_, i) => i);
  const hours = value.length / 2;
  const dayLabel = (day: number) => label(WEEKDAYS.find((w) => w.id === day)!);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <p className="text-slate-600" aria-live="polite" data-testid="availability-summary">
          {t('schedule.selected', { count: value.length, hours })}
        </p>
        <button type="button" className="btn-link" onClick={() => onChange([])} disabled={value.length === 0}>
          {t('schedule.clearAll')}
        </button>
      </div>

      {/* Desktop and tablet: the whole week. */}
      <div
        ref={scroller}
        className="hidden max-h-[26rem] overflow-y-auto rounded-xl border border-slate-200 bg-white sm:block"
        role="group"
        aria-labelledby={labelledBy}
      >
        <div
          className="grid select-none grid-cols-[3.5rem_repeat(7,minmax(0,1fr))]"
          onPointerMove={(e) => {
            if (!paint.current) return;
            const cell = (document.elementFromPoint(e.clientX, e.clientY) as HTMLElement | null)?.closest<HTMLElement>('[data-cell]');
            if (cell?.dataset.cell) applyPaint(cell.dataset.cell);
          }}
        >
          <div className="sticky top-0 z-10 bg-white" />
          {WEEKDAYS.map((d) => (
            <div
              key={d.id}
              data-header
              className="sticky top-0 z-10 border-b border-slate-200 bg-white py-2 text-center text-xs font-semibold text-slate-600"
            >
              {label(d)}
            </div>
          ))}
          {slots.map((slot) => (
            <div key={slot} className="contents">
              <div data-row={slot} className={`pr-2 text-right text-[11px] leading-5 text-slate-400 ${slot % 2 === 0 ? '' : 'invisible'}`}>
                {slotTime(slot)}
              </div>
              {WEEKDAYS.map((d) => {
                const k = key(d.id, slot);
                const on = selected.has(k);
                return (
                  <button
                    key={k}
                    type="button"
                    data-cell={k}
                    aria-pressed={on}
                    aria-label={`${label(d)} ${slotTime(slot)}`}
                    className={`h-5 touch-none border-l border-slate-100 ${slot % 2 === 0 ? 'border-t border-t-slate-200' : 'border-t border-t-slate-100'} ${on ? 'bg-indigo-500' : 'bg-white hover:bg-indigo-50'}`}
                    onPointerDown={(e) => {
                      e.preventDefault();
                      paint.current = { add: !on, touched: new Set() };
                      applyPaint(k);
                    }}
                    onClick={(e) => {
                      // Pointer presses already painted; this is for keyboard activation.
                      if (e.detail === 0) toggle(d.id, slot);
                    }}
                  />
                );
              })}
            </div>
          ))}
        </div>
      </div>

      {/* Phone: a day at a time. */}
      <div className="space-y-3 sm:hidden">
        <div className="-mx-3 grid grid-cols-7 gap-0.5" role="group" aria-label={t('schedule.day')}>
          {WEEKDAYS.map((d) => {
            const count = value.filter((s) => s.day === d.id).length;
            return (
              <button
                key={d.id}
                type="button"
                aria-pressed={phoneDay === d.id}
                onClick={() => setPhoneDay(d.id)}
                className={`min-h-11 min-w-11 rounded-lg py-2 text-sm font-semibold ${phoneDay === d.id ? 'bg-indigo-600 text-white' : 'bg-white text-slate-600 ring-1 ring-slate-200'}`}
              >
                {label(d)}
                <span
                  className={`mx-auto mt-1 block size-1.5 rounded-full ${count ? (phoneDay === d.id ? 'bg-white' : 'bg-indigo-500') : 'bg-transparent'}`}
                />
              </button>
            );
          })}
        </div>
        <div
          className="grid max-h-80 grid-cols-4 gap-1.5 overflow-y-auto rounded-xl border border-slate-200 bg-white p-2"
          role="group"
          aria-label={dayLabel(phoneDay)}
        >
          {slots.map((slot) => {
            const on = selected.has(key(phoneDay, slot));
            return (
              <button
                key={slot}
                type="button"
                aria-pressed={on}
                aria-label={`${dayLabel(phoneDay)} ${slotTime(slot)}`}
                onClick={() => toggle(phoneDay, slot)}
                className={`min-h-11 rounded-md py-2 text-xs tabular-nums ${on ? 'bg-indigo-500 font-semibold text-white' : 'bg-slate-50 text-slate-600'}`}
              >
                {slotTime(slot)}
              </button>
            );
          })}
        </div>
      </div>
    </div>
  );
}
