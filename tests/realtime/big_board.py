"""A board at the largest sizes the app allows: 1,000 cards of 1,000 characters, 200
clusters with 200-character titles, key points of 5,000 characters, all in text that
grows the most once escaped (4-byte characters, quotes, ampersands)."""

from realtime import events
from workshops import queries
from workshops.models import BoardEvent, Breakout, Card, Cluster
from workshops.services.summaries import SUMMARY_MAX

CARDS = 1000
CLUSTERS = 200
WITH_KEY_POINTS = 20
WORST = '🌳&"<\\'  # 4 bytes in UTF-8; escaped in HTML; escaped in JSON


def worst_text(length: int, mark: str) -> str:
    return (mark + WORST * length)[:length]


def build(room: Breakout, author) -> None:
    cards = Card.objects.bulk_create(
        Card(breakout=room, kind="practice", text=worst_text(1000, f"card {n} "), author=author)
        for n in range(CARDS)
    )
    clusters = Cluster.objects.bulk_create(
        Cluster(
            breakout=room,
            position=n + 1,
            title=worst_text(200, f"cluster {n} "),
            key_points=worst_text(SUMMARY_MAX, f"key points {n} ") if n < WITH_KEY_POINTS else "",
            key_points_version=1 if n < WITH_KEY_POINTS else 0,
        )
        for n in range(CLUSTERS)
    )
    log = [("card.created", {"card": queries.card_view(card)}) for card in cards]
    for index, card in enumerate(cards):
        card.cluster = clusters[index % CLUSTERS]
    Card.objects.bulk_update(cards, ["cluster"])
    log.append(("layout.changed", queries.layout_view(room)))
    log += [
        ("summary.changed", {"cluster": c.pk, "text": c.key_points, "version": 1, "by": "Lead"})
        for c in clusters[:WITH_KEY_POINTS]
    ]
    BoardEvent.objects.bulk_create(
        BoardEvent(breakout=room, seq=seq, type=name, payload=events.validated(name, payload))
        for seq, (name, payload) in enumerate(log, start=1)
    )
    room.seq = len(log)
    room.save(update_fields=["seq"])
