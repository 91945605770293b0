/**
 * Turning a stored ranking (`ranking[i]` = rank of response i, 0 = best, equal = tie) into what
 * a person reads: positions ("1st", "2nd"), tie marks, and an order string like "A > B = C".
 */

export function responseLetter(index: number): string {
  // A..Z, then AA, AB… (items with more than 26 responses are rare but allowed, up to 64).
  let n = index;
  let letters = '';
  do {
    letters = String.fromCharCode(65 + (n % 26)) + letters;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return letters;
}

export interface RankPlace {
  /** 1-based place, competition style: two tied for best are both 1st, the next is 3rd. */
  place: number;
  tied: boolean;
  best: boolean;
  worst: boolean;
}

export function rankPlaces(ranking: readonly number[]): RankPlace[] {
  const worstRank = Math.max(...ranking);
  const bestRank = Math.min(...ranking);
  return ranking.map((rank) => {
    const better = ranking.filter((other) => other < rank).length;
    const same = ranking.filter((other) => other === rank).length;
    return { place: better + 1, tied: same > 1, best: rank === bestRank, worst: rank === worstRank && worstRank !== bestRank };
  });
}

export function ordinal(place: number): string {
  const tens = place % 100;
  if (tens >= 11 && tens <= 13) return `${place}th`;
  switch (place % 10) {
    case 1:
      return `${place}st`;
    case 2:
      return `${place}nd`;
    case 3:
      return `${place}rd`;
    default:
      return `${place}th`;
  }
}

/** "A > B = C": responses from best to worst, ties joined by "=". */
export function rankingOrderText(ranking: readonly number[]): string {
  const distinct = [...new Set(ranking)].sort((a, b) => a - b);
  return distinct
    .map((rank) =>
      ranking
        .map((value, index) => (value === rank ? responseLetter(index) : null))
        .filter((letter): letter is string => letter !== null)
        .join(' = '),
    )
    .join(' > ');
}
