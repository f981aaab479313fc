import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.js';
import * as chat from './0002_chat.js';
import * as levelTest from './0003_level_test.js';
import * as levelTestOneDraft from './0004_level_test_one_draft.js';
import * as matching from './0005_matching.js';
import * as voiceNoteDuration from './0006_voice_note_duration.js';
import * as notifications from './0007_notifications.js';
import * as sessions from './0009_sessions.js';
import * as calls from './0010_calls.js';
import * as progress from './0011_progress.js';
import * as safety from './0012_safety.js';
import * as matchingFinish from './0013_matching_finish.js';
import * as firstUse from './0014_first_use.js';
import * as matchingActivity from './0015_matching_activity.js';
import * as seriesMovesAndLiveLegs from './0016_series_moves_and_live_legs.js';
import * as sweepAndRangeIndexes from './0018_sweep_and_range_indexes.js';
import * as notificationContents from './0019_notification_contents.js';
import * as matchingFacts from './0021_matching_facts.js';
import * as notificationCounts from './0023_notification_counts.js';
import * as publicNames from './0024_public_names.js';
import * as notificationAbout from './0025_notification_about.js';

/** Every migration, in order; imported statically so the bundled server carries them. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_chat': chat,
  '0003_level_test': levelTest,
  '0004_level_test_one_draft': levelTestOneDraft,
  '0005_matching': matching,
  '0006_voice_note_duration': voiceNoteDuration,
  '0007_notifications': notifications,
  '0009_sessions': sessions,
  '0010_calls': calls,
  '0011_progress': progress,
  '0012_safety': safety,
  '0013_matching_finish': matchingFinish,
  '0014_first_use': firstUse,
  '0015_matching_activity': matchingActivity,
  '0016_series_moves_and_live_legs': seriesMovesAndLiveLegs,
  '0018_sweep_and_range_indexes': sweepAndRangeIndexes,
  '0019_notification_contents': notificationContents,
  '0021_matching_facts': matchingFacts,
  '0023_notification_counts': notificationCounts,
  '0024_public_names': publicNames,
  '0025_notification_about': notificationAbout,
};
