import ical, { ICalAlarmType, ICalEventRepeatingFreq, ICalEventStatus } from 'ical-generator';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { DateTime } from 'luxon';
import type { SessionRow } from './repository.js';
import type { Occurrence } from './series.js';

/** One session as a calendar shows it to one of its two people. */
export interface FeedSession {
  row: SessionRow;
  occurrences: Occurrence[];
  partnerName: string;
}

const FREQ = {
  week: ICalEventRepeatingFreq.WEEKLY,
  'two-weeks': ICalEventRepeatingFreq.WEEKLY,
  month: ICalEventRepeatingFreq.MONTHLY,
} as const;
const STATUS = { proposed: ICalEventStatus.TENTATIVE, booked: ICalEventStatus.CONFIRMED, cancelled: ICalEventStatus.CANCELLED } as const;

/**
 * An iCalendar document (RFC 5545) of sessions, written by ical-generator. A series is one event:
 * DTSTART in the organiser's zone (with its VTIMEZONE) and the RRULE, so a calendar app expands it
 * on the organiser's wall clock as we do; cancelled and moved occurrences are EXDATEs, and a moved
 * one is its own event at its new time. Declined sessions are left out.
 */
export function sessionsCalendar(name: string, sessions: FeedSession[], appUrl: string): string {
  const calendar = ical({ name, prodId: { company: 'STUDYMATE', product: 'sessions', language: 'EN' }, ttl: 15 * 60 });
  calendar.timezone({ name: null, generator: getVtimezoneComponent });
  for (const { row, occurrences, partnerName } of sessions) {
    if (row.state === 'declined' || !occurrences.length) continue;
    const zone = row.time_zone;
    const at = (ms: number) => DateTime.fromMillis(ms, { zone });
    const first = occurrences[0]!;
    const summary = `STUDYMATE ${row.kind === 'video' ? 'video' : 'voice'} session with ${partnerName}`;
    const common = {
      summary,
      description: row.topic ?? undefined,
      url: `${appUrl}/sessions?session=${row.id}`,
      sequence: row.sequence,
      status: STATUS[row.state],
      timezone: zone,
      alarms: row.reminders
        .split(',')
        .filter(Boolean)
        .map((m) => ({ type: ICalAlarmType.display, triggerBefore: Number(m) * 60, description: summary })),
    };
    const event = calendar.createEvent({
      ...common,
      id: `${row.id}@studymate`,
      start: at(first.ruleStart),
      end: at(first.ruleStart + row.minutes * 60_000),
    });
    if (row.repeat_every) {
      const last = occurrences[occurrences.length - 1]!;
      const excluded = occurrences.filter((o) => o.cancelled || o.moved).map((o) => at(o.ruleStart));
      event.repeating({
        freq: FREQ[row.repeat_every],
        interval: row.repeat_every === 'two-weeks' ? 2 : 1,
        // Written as the last occurrence, so a client stops exactly where we do.
        ...(row.repeat_count ? { count: occurrences.length } : { until: DateTime.fromMillis(last.ruleStart, { zone: 'utc' }) }),
        // An empty list would still write an empty EXDATE, which parsers reject.
        ...(excluded.length ? { exclude: excluded } : {}),
      });
    } else if (first.cancelled) {
      event.status(ICalEventStatus.CANCELLED);
    }
    for (const o of occurrences) {
      if (!o.moved || o.cancelled) continue;
      if (!row.repeat_every) {
        // A single session moved: the one event is at its new time.
        event.start(at(o.start));
        event.end(at(o.end));
        continue;
      }
      calendar.createEvent({ ...common, id: `${row.id}-${o.index}@studymate`, start: at(o.start), end: at(o.end) });
    }
  }
  return calendar.toString();
}
