import type { AchievementList, Dashboard, Statistics, StatisticsRange } from '@studymate/contracts';
import { http } from '../../lib/http';

/** REST side of progress: everything here is derived on the server from the activity ledger. */
export const fetchDashboard = async () => (await http.get<Dashboard>('/progress/dashboard')).data;
export const fetchStatistics = async (range: StatisticsRange) =>
  (await http.get<Statistics>('/progress/statistics', { params: { range } })).data;
export const fetchAchievements = async () => (await http.get<AchievementList>('/progress/achievements')).data.items;
