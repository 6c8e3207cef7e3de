"""Every channel-layer group name is built here (names allow [a-zA-Z0-9-_.] only)."""


def breakout(breakout_id: int) -> str:
    return f"breakout.{breakout_id}"


def workshop(workshop_id: int) -> str:
    return f"workshop.{workshop_id}"


def control_room(workshop_id: int) -> str:
    return f"workshop.{workshop_id}.control"


def participant(participant_id: int) -> str:
    return f"participant.{participant_id}"
