"""Only members get in, and removing someone or revoking their invite closes their sockets."""

import pytest
from channels.db import database_sync_to_async

from realtime import protocol
from tests.factories import breakout, make_facilitator, make_workshop
from tests.realtime.helpers import open_socket
from workshops import services
from workshops.models import Invite, Participant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup():
    workshop = make_workshop()
    room = breakout(workshop)
    token = services.invite_create(workshop=workshop, label="link")
    ana = services.participant_join(token=token, display_name="Ana", breakout_id=room.pk)
    return {"ana": ana, "room": room, "lead": make_facilitator(workshop), "token": token}


async def closed_with(socket, code: int, reason: str) -> bool:
    reply = await socket.receive_json_from(timeout=5)
    closed = await socket.receive_output(timeout=5)
    return reply["code"] == reason and closed == {"type": "websocket.close", "code": code}


async def test_removing_a_participant_closes_their_socket(setup):
    socket, _ = await open_socket(setup["ana"], setup["room"])
    await database_sync_to_async(services.participant_remove)(
        actor_id=setup["lead"].pk, participant_id=setup["ana"].pk
    )
    assert await closed_with(socket, protocol.CLOSE_FORBIDDEN, "removed")
    again, _ = await open_socket(setup["ana"], setup["room"])
    assert await closed_with(again, protocol.CLOSE_NO_SESSION, "no_session")


async def test_revoking_an_invite_closes_the_sockets_of_who_joined_with_it(setup):
    socket, _ = await open_socket(setup["ana"], setup["room"])
    invite = await database_sync_to_async(Invite.objects.get)()
    await database_sync_to_async(services.invite_revoke)(
        actor_id=setup["lead"].pk, invite_id=invite.pk
    )
    assert await closed_with(socket, protocol.CLOSE_FORBIDDEN, "removed")
    again, _ = await open_socket(setup["ana"], setup["room"])
    assert await closed_with(again, protocol.CLOSE_NO_SESSION, "no_session")


def test_participants_cannot_remove_people_or_revoke_invites(setup):
    bob = services.participant_join(token=setup["token"], display_name="Bob", breakout_id=None)
    with pytest.raises(services.Forbidden):
        services.participant_remove(actor_id=bob.pk, participant_id=setup["ana"].pk)
    with pytest.raises(services.Forbidden):
        services.invite_revoke(actor_id=bob.pk, invite_id=Invite.objects.get().pk)
    assert Participant.objects.active().count() == 3
    assert Invite.objects.get().revoked_at is None


def test_a_facilitator_of_another_workshop_cannot_act_here(setup):
    stranger = make_facilitator(make_workshop("Other"), "stranger")
    with pytest.raises(services.Forbidden):
        services.participant_remove(actor_id=stranger.pk, participant_id=setup["ana"].pk)
    assert Participant.objects.get(pk=setup["ana"].pk).removed_at is None
