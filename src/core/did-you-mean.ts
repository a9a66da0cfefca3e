/** Suggestions for misspelt names: `expected one of ..., got 'custm' (did you mean 'custom'?)`. */

/** Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `word` (case-insensitive), when it is close enough to be a
 * likely misspelling: at most a third of the longer name's letters differ (at least one).
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    const limit = Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)` for a close candidate, or ''. */
export function didYouMean(word: unknown, candidates: readonly string[]): string {
  if (typeof word !== 'string') return '';
  const closest = closestName(word, candidates);
  return closest === undefined || closest === word ? '' : ` (did you mean '${closest}'?)`;
}
