"""A posted card reaches everyone in the breakout at once, and no one else."""

import pytest
from channels.db import database_sync_to_async

from tests.factories import breakout, make_facilitator, make_participant, make_workshop
from tests.realtime.helpers import card_message, open_socket
from workshops.models import Card

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    workshop = make_workshop()
    room, other = breakout(workshop, 1), breakout(workshop, 2)
    return {
        "room": room,
        "other": other,
        "ana": make_participant(workshop, room, "Ana"),
        "bob": make_participant(workshop, room, "Bob"),
        "cyd": make_participant(workshop, other, "Cyd"),
        "fac": make_facilitator(workshop),
    }


async def test_a_card_reaches_the_breakout_and_only_it(people):
    room = people["room"]
    ana, _ = await open_socket(people["ana"], room)
    bob, _ = await open_socket(people["bob"], room)
    cyd, _ = await open_socket(people["cyd"], people["other"])
    message = card_message("Green roofs <b>on</b> bus shelters")
    await ana.send_json_to(message)

    # The event may reach its sender before the ack: both come.
    first, second = await ana.receive_json_from(timeout=5), await ana.receive_json_from(timeout=5)
    ack, seen_by_ana = sorted((first, second), key=lambda m: m["type"] != "ack")
    assert ack == {"type": "ack", "op_id": message["op_id"], "seq": 1}
    seen_by_bob = await bob.receive_json_from(timeout=5)
    assert seen_by_ana == seen_by_bob
    assert seen_by_bob["type"] == "event"
    assert seen_by_bob["name"] == "card.created"
    assert seen_by_bob["seq"] == 1
    assert seen_by_bob["data"]["card"]["text"] == "Green roofs <b>on</b> bus shelters"
    assert seen_by_bob["data"]["card"]["author"] == "Ana"
    assert "html" not in seen_by_bob  # the page shows the data with its own templates
    # In the database before anyone saw it.
    stored = await database_sync_to_async(Card.objects.get)()
    assert stored.pk == seen_by_bob["data"]["card"]["id"]
    assert await cyd.receive_nothing(timeout=0.3)
    for socket in (ana, bob, cyd):
        await socket.disconnect()


async def test_the_control_room_sees_every_breakout(people):
    control, connected = await open_socket(people["fac"], query="view=control")
    assert connected
    cyd, _ = await open_socket(people["cyd"], people["other"])
    await cyd.send_json_to(card_message("From room 2"))
    row = f'id="breakout-row-{people["other"].pk}"'
    counted = '<td class="count" data-count="practice">1</td>'
    while True:
        seen = await control.receive_json_from(timeout=5)
        assert seen["type"] == "control"
        html = "".join(seen["fragments"])
        if row in html and counted in html:
            break
    assert "From room 2" not in html
    await control.disconnect()
    await cyd.disconnect()


async def test_events_are_the_same_data_in_every_language(people):
    room = people["room"]
    await database_sync_to_async(lambda: type(room.workshop).objects.update(allow_anonymous=True))()
    ana, _ = await open_socket(people["ana"], room, query="lang=fr")
    bob, _ = await open_socket(people["bob"], room, query="lang=es")
    await ana.send_json_to(card_message("Sans nom", anonymous=True))
    french = await ana.receive_json_from(timeout=5)
    if french["type"] == "ack":
        french = await ana.receive_json_from(timeout=5)
    spanish = await bob.receive_json_from(timeout=5)
    # Data only: each page labels it in its own language ("Anonymous" for no author).
    assert french == spanish
    assert french["data"]["card"]["author"] is None
    await ana.disconnect()
    await bob.disconnect()
