"""Suggest clusters for cards read from a JSON file and print them as JSON."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from workshops.clustering import CardText, GivenCluster, suggest_clusters


class Command(BaseCommand):
    help = (
        'Read {"cards": [{"id": ..., "text": ..., "kind": ...}]} from FILE ("-" for '
        'standard input), optionally with the facilitator\'s "clusters" so far '
        '([{"title": ..., "card_ids": [...]}], kept as they are), and print '
        '{"clusters": [{"title": ..., "card_ids": [...]}]}: every card in exactly one '
        "cluster, an unsorted card in a cluster of its own."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", help='JSON file of cards, or "-" to read standard input')

    def handle(self, *args, **options):
        payload = read_json(options["file"], options.get("stdin") or sys.stdin)
        cards = cards_from(payload)
        clusters = suggest_clusters(cards, given_from(payload, {card.id for card in cards}))
        output = {
            "clusters": [
                {"title": cluster.title, "card_ids": list(cluster.card_ids)} for cluster in clusters
            ]
        }
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))


def read_json(path: str, stdin):
    source = "standard input" if path == "-" else path
    try:
        if path == "-":
            return json.load(stdin)
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except OSError as error:
        raise CommandError(f"Cannot read {source}: {error.strerror or error}") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CommandError(f"{source} is not valid JSON: {error}") from error


def cards_from(payload) -> list[CardText]:
    if not isinstance(payload, dict) or not isinstance(payload.get("cards"), list):
        raise CommandError('Expected a JSON object with a "cards" list.')
    cards = [card_from(number, item) for number, item in enumerate(payload["cards"], start=1)]
    seen = set()
    for card in cards:
        if card.id in seen:
            raise CommandError(f"Duplicate card id: {card.id!r}.")
        seen.add(card.id)
    return cards


def card_from(number: int, item) -> CardText:
    if not isinstance(item, dict):
        raise CommandError(f"Card {number} is not a JSON object.")
    card_id, text, kind = item.get("id"), item.get("text"), item.get("kind") or ""
    if isinstance(card_id, bool) or not isinstance(card_id, str | int) or card_id == "":
        raise CommandError(f'Card {number} needs an "id" (a non-empty string).')
    if not isinstance(text, str):
        raise CommandError(f'Card {number} (id {card_id!r}) needs a "text" string.')
    if not isinstance(kind, str):
        raise CommandError(f'Card {number} (id {card_id!r}) has a "kind" that is not a string.')
    return CardText(id=str(card_id), text=text, kind=kind)


def given_from(payload: dict, card_ids: set[str]) -> list[GivenCluster]:
    """The facilitator's clusters: each card id one of the cards, in one cluster only."""
    items = payload.get("clusters", [])
    if not isinstance(items, list):
        raise CommandError('"clusters" must be a list.')
    given, placed = [], set()
    for number, item in enumerate(items, start=1):
        title = item.get("title", "") if isinstance(item, dict) else None
        ids = item.get("card_ids") if isinstance(item, dict) else None
        if not isinstance(title, str) or not isinstance(ids, list):
            raise CommandError(f'Cluster {number} needs a "title" string and a "card_ids" list.')
        ids = [str(card_id) for card_id in ids]
        for card_id in ids:
            if card_id not in card_ids:
                raise CommandError(f"Cluster {number} names an unknown card: {card_id!r}.")
            if card_id in placed:
                raise CommandError(f"Card {card_id!r} is in more than one cluster.")
            placed.add(card_id)
        given.append(GivenCluster(title, tuple(ids)))
    return given
