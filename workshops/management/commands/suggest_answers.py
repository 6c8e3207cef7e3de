"""Suggest, for each difficulty read from a JSON file, the practices that may answer it."""

import json
import sys

from django.core.management.base import BaseCommand

from workshops.clustering import suggest_answers

from .suggest_clusters import cards_from, read_json


class Command(BaseCommand):
    help = (
        'Read {"cards": [{"id": ..., "text": ..., "kind": "practice" or "difficulty"}]} from '
        'FILE ("-" for standard input) and print {"answers": [{"difficulty_id": ..., '
        '"practice_ids": [...]}]}: for each difficulty, the practices most likely to answer '
        "it, best first."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", help='JSON file of cards, or "-" to read standard input')
        parser.add_argument("--limit", type=int, default=3, help="practices per difficulty")

    def handle(self, *args, **options):
        payload = read_json(options["file"], options.get("stdin") or sys.stdin)
        cards = cards_from(payload)
        ids = {card.id: original for card, original in zip(cards, payload["cards"], strict=True)}
        answers = suggest_answers(cards, limit=options["limit"])
        output = {
            "answers": [
                {
                    "difficulty_id": ids[difficulty_id]["id"],
                    "practice_ids": [ids[a.practice_id]["id"] for a in ranked],
                }
                for difficulty_id, ranked in answers.items()
            ]
        }
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
