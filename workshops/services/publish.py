"""The one way services reach the live layer. Each call waits for the commit, so nobody
hears of a change the database does not hold; a rolled-back write publishes nothing."""

from functools import partial

from django.db import transaction

from realtime import publisher


def _after_commit(function, *args) -> None:
    transaction.on_commit(partial(function, *args))


def board_event(event, workshop_id: int) -> None:
    _after_commit(publisher.board_event, event, workshop_id)


def control_rows(workshop_id: int, breakout_ids) -> None:
    """These breakouts' rows of the control room changed (people, help requests)."""
    _after_commit(publisher.control_changed, workshop_id, sorted(set(breakout_ids) - {None}))


def control_toolbar(workshop_id: int) -> None:
    """The workshop-wide part of the control room changed (mode, anonymity, help)."""
    _after_commit(publisher.control_changed, workshop_id, [], True)


def access_changed(participant_ids) -> None:
    """These people were moved, removed or given another role: their open sockets check
    again what they may see, and their pages go where they belong."""
    _after_commit(publisher.access_changed, list(participant_ids))


def everyone_to_their_place(workshop_id: int) -> None:
    _after_commit(publisher.everyone_to_their_place, workshop_id)


def plenary_message(workshop_id: int, message: dict) -> None:
    _after_commit(publisher.plenary_message, workshop_id, message)


def my_votes(participant_id: int, breakout_id: int) -> None:
    """Where this person's dots are now, to every page they have open on the board."""
    _after_commit(publisher.my_votes, participant_id, breakout_id)


def help_handled(participant_id: int) -> None:
    _after_commit(publisher.help_handled, participant_id)


def recommendations_changed(workshop_id: int) -> None:
    _after_commit(publisher.recommendations_changed, workshop_id)
