"""Near-duplicate detection: MinHash signatures over word shingles, grouped by LSH.

Two documents are near-duplicates when the estimated Jaccard similarity of their
sets of `SHINGLE_WORDS`-word shingles reaches `THRESHOLD`. Each document gets a
signature of `NUM_PERM` minimum hash values; banding the signatures (LSH:
`BANDS` bands of `ROWS` values) finds candidate pairs without comparing every
pair, and each candidate pair is kept only when the whole signatures agree on at
least `THRESHOLD` of their values. Groups are the connected components of the
kept pairs.

Grouping is a pure function of the set of (id, signature) pairs, computed in id
order, so an index kept up to date by incremental runs groups exactly as a
rebuild of the same documents does.

numpy is imported inside the functions that need it: only indexing uses this
module, and searching reads the groups from a small JSON file (`dupstore`).
No Whoosh here.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# Chosen by reading real pairs of the Reuters stories in the shared news set; see
# bench/README.md, "Near-duplicates".
SHINGLE_WORDS = 4
THRESHOLD = 0.85
NUM_PERM = 128
BANDS, ROWS = 32, 4  # P(candidate) = 1 - (1 - J**ROWS)**BANDS: 0.9999 at J=0.8, 0.87 at J=0.5
# Documents with fewer words than this are never grouped: a short brief has so few
# shingles that a change of a number or a name would not move its estimate enough.
MIN_WORDS = 15
# A band bucket with more documents than this pairs each with the bucket's first
# member only (identical boilerplate could otherwise make millions of pairs).
BUCKET_PAIRS_MAX = 64

SCHEME = 2  # bump when the hashing changes: stored signatures are then computed again
# 2: 16-bit values
_WORD_RE = re.compile(r"\w+")
_SEED = 20260101


def words_of(title: str, body: str) -> list[str]:
    """The words that make a document's shingles: its body, or its title when the
    body is too short to judge (a title-only brief)."""
    words = _WORD_RE.findall(body.lower())
    if len(words) < MIN_WORDS:
        words = _WORD_RE.findall(f"{title}\n{body}".lower())
    return words


def _constants(count: int, salt: int) -> np.ndarray:
    import numpy as np

    rng = np.random.default_rng([_SEED, salt])
    return rng.integers(1, 2**63, size=count, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


class _WordHashes(dict[str, int]):
    """A word's 32-bit hash, cached: news has far fewer distinct words than words."""

    def __missing__(self, word: str) -> int:
        value = zlib.crc32(word.encode("utf-8", "surrogatepass"))
        if len(self) < 50_000:  # about 6 MB; rarer words, numbers and names are hashed each time
            self[word] = value
        return value


class Hasher:
    """Turns many documents' words into signatures at once.

    One permutation hashing (Li, Owen and Zhang 2012): each shingle is hashed
    once; the hash's top bits choose one of NUM_PERM bins and each bin keeps its
    smallest value. A bin that no shingle fell into borrows the value of the first
    non-empty bin in a sequence of bins drawn for it, the same sequence for every
    document (optimal densification, Shrivastava 2017), so two documents agree on
    a bin with probability their Jaccard similarity, as with NUM_PERM
    independent permutations but at the cost of one hash a shingle.
    """

    EMPTY = 0xFFFFFFFF

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self._words = _WordHashes()
        self._mix = _constants(SHINGLE_WORDS, 1)
        rng = np.random.default_rng([_SEED, 5])
        # for each bin, the bins it borrows from in turn (its own first, then random ones)
        self._borrow = np.concatenate(
            [np.arange(NUM_PERM)[:, None], rng.integers(0, NUM_PERM, (NUM_PERM, 63))], axis=1
        )

    def hashes(self, words: Sequence[str]) -> np.ndarray:
        """A document's words as their 32-bit hashes: 4 bytes a word to hold until
        `signatures_of`, where the words themselves take about 60."""
        np = self._np
        return np.fromiter(map(self._words.__getitem__, words), dtype=np.uint32, count=len(words))

    def signatures(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """One row of NUM_PERM uint16 values a document; each needs SHINGLE_WORDS words."""
        return self.signatures_of([self.hashes(words) for words in docs])

    def signatures_of(self, docs: Sequence[np.ndarray]) -> np.ndarray:
        """`signatures` of documents given as `hashes`."""
        np = self._np
        lengths = np.fromiter((len(w) for w in docs), dtype=np.int64, count=len(docs))
        if len(docs) and lengths.min() < SHINGLE_WORDS:
            raise ValueError("a document has fewer words than a shingle")
        flat = np.concatenate(docs).astype(np.uint64) if len(docs) else np.empty(0, np.uint64)
        k = SHINGLE_WORDS
        n = len(flat) - k + 1
        h = np.zeros(max(n, 0), dtype=np.uint64)
        for j in range(k):  # a shingle's hash: its words' hashes, each with its own multiplier
            h += flat[j : j + n] * self._mix[j]
        # only shingles inside one document: drop those that start in the last k-1 words
        starts = np.cumsum(lengths) - lengths
        counts = lengths - k + 1
        doc = np.repeat(np.arange(len(docs)), counts)
        first = np.repeat(starts, counts)
        h = h[first + (np.arange(len(doc)) - np.repeat(np.cumsum(counts) - counts, counts))]
        # splitmix64's finaliser: well-mixed bits for choosing the bin and the value
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
        bins = (h >> np.uint64(57)).astype(np.int64)  # NUM_PERM = 128 = 2**7 bins
        values = (h & np.uint64(0xFFFFFFFE)).astype(np.uint32)  # never EMPTY
        out = np.full((len(docs), NUM_PERM), self.EMPTY, dtype=np.uint32)
        np.minimum.at(out.reshape(-1), doc * NUM_PERM + bins, values)
        # b-bit minwise hashing (Li and Koenig 2010): each minimum's low 16 bits are kept.
        # Two unequal minima collide with chance 1/65536, a bias the threshold cannot
        # notice, and a signature takes 256 bytes instead of 512 (64 MB at 250k documents).
        return self._densify(out).astype(np.uint16)

    def _densify(self, out: np.ndarray) -> np.ndarray:
        np = self._np
        full = out != self.EMPTY  # (docs, bins)
        rows, bins = np.nonzero(~full)
        for attempt in range(1, self._borrow.shape[1]):
            if not len(rows):
                break
            candidates = self._borrow[bins, attempt]
            hit = full[rows, candidates]
            out[rows[hit], bins[hit]] = out[rows[hit], candidates[hit]]
            rows, bins = rows[~hit], bins[~hit]
        # a bin finds a full one within 64 draws all but always; one that does not
        # takes its document's smallest value
        out[rows, bins] = out.min(axis=1)[rows]
        return out


def signable(words: Sequence[str]) -> bool:
    return len(words) >= MIN_WORDS


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures."""
    return float((a == b).mean())


def band_keys(sigs: np.ndarray, band: int) -> np.ndarray:
    """One uint64 key a row for the values of `band` (rows of a whole or partial array)."""
    import numpy as np

    cols = sigs[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
    return (cols * _constants(ROWS, 4)[None, :]).sum(axis=1, dtype=np.uint64)


def _candidate_pairs(sigs: np.ndarray) -> np.ndarray:
    """(i, j) row pairs, i < j, that share at least one band: an (n, 2) array."""
    return candidate_pairs(len(sigs), lambda band: band_keys(sigs, band))


def candidate_pairs(n: int, keys_of: Callable[[int], np.ndarray]) -> np.ndarray:
    """`_candidate_pairs` of n rows whose band keys `keys_of(band)` gives, a band at a
    time (signatures kept on disk give them without being read into memory whole)."""
    import numpy as np

    found = []
    for band in range(BANDS):
        keys = keys_of(band)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        lengths = np.diff(np.r_[starts, n])
        two = starts[lengths == 2]  # most buckets that pair anything pair two documents
        found.append(np.sort(np.stack([order[two], order[two + 1]], 1), axis=1))
        for start, length in zip(starts[lengths > 2], lengths[lengths > 2], strict=True):
            bucket = np.sort(order[start : start + length])
            if length > BUCKET_PAIRS_MAX:
                found.append(np.stack([np.repeat(bucket[0], length - 1), bucket[1:]], 1))
            else:
                i, j = np.triu_indices(length, 1)
                found.append(np.stack([bucket[i], bucket[j]], 1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found).astype(np.int64), axis=0)


def agreement(sigs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The share of values on which the signatures of each (i, j) row pair agree."""
    return (sigs[pairs[:, 0]] == sigs[pairs[:, 1]]).mean(axis=1)


def similar_pairs(sigs: np.ndarray, threshold: float = THRESHOLD) -> list[tuple[int, int, float]]:
    """Row pairs whose signatures agree on at least `threshold` of their values."""
    return kept_pairs(_candidate_pairs(sigs), lambda pairs: agreement(sigs, pairs), threshold)


def kept_pairs(
    pairs: np.ndarray, agree_of: Callable[[np.ndarray], np.ndarray], threshold: float = THRESHOLD
) -> list[tuple[int, int, float]]:
    """The candidate `pairs` whose agreement (`agree_of(pairs)`) reaches `threshold`."""
    if not len(pairs):
        return []
    agree = agree_of(pairs)
    keep = agree >= threshold
    return [(int(i), int(j), float(s)) for (i, j), s in zip(pairs[keep], agree[keep], strict=True)]


def group_rows(n: int, pairs: Iterable[tuple[int, int, Any]]) -> list[list[int]]:
    """Connected components with two or more rows, each sorted, in order of first row."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in pairs:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    return sorted((m for m in members.values() if len(m) > 1), key=lambda m: m[0])


def group_ids(ids: Sequence[str], sigs: np.ndarray) -> list[list[str]]:
    """Groups of near-duplicate ids. `ids` must be sorted, one a row of `sigs`."""
    return [[ids[i] for i in rows] for rows in group_rows(len(ids), similar_pairs(sigs))]
