import type { Kysely } from 'kysely';
import { DecisionIndex, populationRates, type Decision } from '@studymate/matching';
import * as repo from './repository.js';
import type { MatchingTables } from './repository.js';

/**
 * The latest decisions one fit reads. The engine's joint fit costs about 45 ms of CPU per 10,000
 * decisions since it fits the two rates' correlation and the slopes' link to standing
 * (bench/matching-score.ts, 2026-12-07), all at once on the event loop, so 25,000 hold the node
 * for about a tenth of a second once per fit; older decisions say less about a person today.
 */
const FIT_DECISIONS = 25_000;

/**
 * Fits everyone's decision effects (how often each accepts anyone, is accepted, and follows how
 * others judge a partner) jointly over the latest decisions, as the engine's offline evaluation
 * scores them (packages/matching/README.md), and stores them beside each person's totals for the
 * candidate walk to read with the pool rows. Returns how many people have effects now.
 */
export async function fitEffects(db: Kysely<MatchingTables>, at = Date.now()): Promise<number> {
  const rows = await repo.latestDecisions(db, FIT_DECISIONS);
  // One decision per ordered pair, the latest (the rows come newest first): asking again after a
  // request expired is the same judgement, not a second one.
  const seen = new Set<string>();
  const decisions: Decision[] = [];
  for (const r of rows) {
    const pair = `${r.actor_id}>${r.subject_id}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    decisions.push(repo.asDecision(r));
  }
  // The base rate and priors measured on the people in the fit, as the engine measures a batch.
  const rates = populationRates(repo.tallyDecisions(decisions).map(([, stats]) => stats));
  const effects = decisions.length ? new DecisionIndex(decisions).effects(rates.baseAcceptRate, rates.ratePriors) : new Map();
  await repo.saveEffects(db, effects, rates, rows.length, at);
  return effects.size;
}
