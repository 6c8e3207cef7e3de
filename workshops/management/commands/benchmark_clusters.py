"""Compare suggested clusters with a facilitator's grouping and time them."""

import json
import time
from collections import Counter
from contextlib import nullcontext
from itertools import combinations
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workshops.clustering import (
    CardText,
    GivenCluster,
    adjusted_rand_index,
    sentence_encoder,
    suggest,
    suggest_clusters,
)

TIMED_BOARD_SIZE = 60


class Command(BaseCommand):
    help = (
        "Score the cluster suggestions against boards clustered by facilitators, per board "
        "and overall: adjusted Rand index, pair precision and recall, cards left unsorted, "
        "the accuracy of sorting the rest into clusters seeded with two cards of each true "
        "group, and time taken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            help='JSON {"boards": [{"challenge", "cards": [{"id", "text", "kind", "cluster"}]}]};'
            " each file is scored on its own (default: the dev boards in tests/data/"
            "cluster-dev.json, a copy of ../shared/data, then the held-out boards in "
            "tests/data/cluster-heldout.json)",
        )

    def handle(self, *args, **options):
        if options["files"]:
            sets = [(path, load_boards(path)) for path in map(Path, options["files"])]
        else:
            sets = [(path, load_boards(path)) for path in default_data_files() if path.exists()]
            if not sets:
                raise CommandError("No labelled boards found; name a file.")
        limiter = one_thread_limiter()
        with limiter or nullcontext():
            self.stdout.write(f"Threads: {'one' if limiter else 'numpy default'}")
            started = time.perf_counter()
            sentence_encoder()
            self.stdout.write(f"Model load (first call): {elapsed_ms(started):.0f} ms")
            for path, boards in sets:
                self.stdout.write(f"\n== {path.name} ({len(boards)} boards)")
                self.score(boards)
            self.stdout.write("")
            self.stdout.write(timed_large_board([board for _, boards in sets for board in boards]))

    def score(self, boards: list[dict]) -> None:
        totals = Counter()
        true_labels, suggested_labels = [], []
        for number, board in enumerate(boards, start=1):
            expected = [card["cluster"] for card in board["cards"]]
            started = time.perf_counter()
            clusters = suggest_clusters(cards_of(board))
            duration = elapsed_ms(started)
            cluster_of = {i: n for n, c in enumerate(clusters) for i in c.card_ids}
            suggested = [cluster_of[card["id"]] for card in board["cards"]]
            pairs = pair_counts(expected, suggested)
            unsorted = sum(len(c.card_ids) == 1 for c in clusters)
            sorting = sort_the_rest_counts(board)
            totals.update({**pairs, **sorting, "unsorted": unsorted, "cards": len(expected)})
            true_labels += [(number, label) for label in expected]
            suggested_labels += [(number, label) for label in suggested]
            self.stdout.write(
                f"Board {number} ({len(expected)} cards): {board.get('challenge', '')[:70]}\n"
                f"  ARI {adjusted_rand_index(expected, suggested):.3f}  "
                f"{figures(pairs, sorting, unsorted, len(expected))}  {duration:.0f} ms"
            )
        self.stdout.write(
            f"Overall ({len(true_labels)} cards, labels namespaced per board): "
            f"ARI {adjusted_rand_index(true_labels, suggested_labels):.3f}  "
            f"{figures(totals, totals, totals['unsorted'], totals['cards'])}"
        )


SEEDS_PER_GROUP = 2


def pair_counts(expected: list, suggested: list) -> dict[str, int]:
    """Pairs put together, pairs that belong together, and pairs that are both."""
    counts = Counter()
    for a, b in combinations(range(len(expected)), 2):
        together, belong = suggested[a] == suggested[b], expected[a] == expected[b]
        counts["put"] += together
        counts["belong"] += belong
        counts["right"] += together and belong
    return dict(counts)


def sort_the_rest_counts(board: dict) -> dict[str, int]:
    """Each true group starts as a facilitator's cluster (its name as title) with two of
    its cards; how many of the other cards are sorted, and rightly, into them."""
    cards = cards_of(board)
    labels = {card["id"]: card["cluster"] for card in board["cards"]}
    seeds: dict[str, list[str]] = {}
    for card in board["cards"]:
        group = seeds.setdefault(card["cluster"], [])
        if len(group) < SEEDS_PER_GROUP:
            group.append(card["id"])
    given = [GivenCluster(title, tuple(ids)) for title, ids in seeds.items()]
    found = suggest(cards, given)
    rest = len(cards) - sum(len(ids) for ids in seeds.values())
    right = sum(labels[card_id] == given[index].title for card_id, index in found.sorted.items())
    return {"rest": rest, "sorted": len(found.sorted), "sorted_right": right}


def figures(pairs, sorting, unsorted: int, cards: int) -> str:
    precision = pairs["right"] / pairs["put"] if pairs["put"] else 0.0
    recall = pairs["right"] / pairs["belong"] if pairs["belong"] else 0.0
    rest = sorting["rest"] or 1
    sorted_share = sorting["sorted_right"] / sorting["sorted"] if sorting["sorted"] else 0.0
    return (
        f"pair precision {precision:.2f}  pair recall {recall:.2f}  "
        f"unsorted {unsorted}/{cards}  "
        f"sort-the-rest {sorting['sorted_right'] / rest:.0%} right of all "
        f"({sorting['sorted']}/{sorting['rest']} sorted, {sorted_share:.0%} of them right)"
    )


def default_data_files() -> list[Path]:
    """The facilitators' dev boards, then held-out boards never used to tune the method."""
    base = Path(settings.BASE_DIR)
    return [
        base / "tests" / "data" / "cluster-dev.json",
        base / "tests" / "data" / "cluster-heldout.json",
        base / "tests" / "data" / "cluster-heldout-2.json",
    ]


def load_boards(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CommandError(f"{path} is not valid JSON: {error}") from error
    boards = data.get("boards") if isinstance(data, dict) else None
    if not boards or not all(is_labelled_board(board) for board in boards):
        raise CommandError(
            f'{path}: expected {{"boards": [{{"cards": [{{"id", "text", "cluster"}}]}}]}}.'
        )
    return boards


def is_labelled_board(board) -> bool:
    cards = board.get("cards") if isinstance(board, dict) else None
    return bool(cards) and all(
        isinstance(card, dict) and {"id", "text", "cluster"} <= card.keys() for card in cards
    )


def cards_of(board: dict) -> list[CardText]:
    return [
        CardText(id=str(card["id"]), text=card["text"], kind=card.get("kind") or "")
        for card in board["cards"]
    ]


def timed_large_board(boards: list[dict]) -> str:
    """Time one board of 60 cards pooled from the file, the size a workshop may reach."""
    cards = [card for board in boards for card in cards_of(board)][:TIMED_BOARD_SIZE]
    cards = [CardText(id=f"{n}", text=card.text, kind=card.kind) for n, card in enumerate(cards)]
    started = time.perf_counter()
    clusters = suggest_clusters(cards)
    return (
        f"Board of {len(cards)} cards pooled from all boards: {len(clusters)} clusters "
        f"in {elapsed_ms(started):.0f} ms"
    )


def one_thread_limiter():
    """Keeps numpy to one core, as on a busy server; None without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(limits=1)


def elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
