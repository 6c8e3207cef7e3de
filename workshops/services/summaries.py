"""A breakout's summary and each cluster's key points, never silently overwritten."""

from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workshops.errors import Invalid, TextConflict

from .board import Ack, append_event, board_cluster, board_write, digest

SUMMARY_MAX = 5000


def summary_write(
    *,
    participant_id: int,
    breakout_id: int,
    text: str,
    version: int,
    op_id: UUID,
    cluster_id: int | None = None,
) -> Ack:
    """The breakout's summary, or a cluster's key points. `version` is the one the writer
    started from: if someone saved since, the write is refused as a conflict (with what
    they wrote) instead of silently replacing it."""
    text = text.strip()
    if len(text) > SUMMARY_MAX:
        raise Invalid(_("A summary has at most %(max)d characters.") % {"max": SUMMARY_MAX})
    content = digest(type="summary", cluster_id=cluster_id, text=text, version=version)
    with transaction.atomic():
        breakout, actor, repeat = board_write(
            participant_id, breakout_id, op_id, content, "summary.write"
        )
        if repeat:
            return repeat
        if cluster_id is None:
            owner, text_field, version_field = breakout, "summary", "summary_version"
        else:
            owner = board_cluster(breakout, cluster_id)
            text_field, version_field = "key_points", "key_points_version"
        if getattr(owner, version_field) != version:
            raise TextConflict(getattr(owner, text_field), getattr(owner, version_field))
        setattr(owner, text_field, text)
        setattr(owner, version_field, version + 1)
        owner.save(update_fields=[text_field, version_field])
        payload = {
            "cluster": cluster_id,
            "text": text,
            "version": version + 1,
            "by": actor.display_name,
        }
        event = append_event(
            breakout, "summary.changed", payload, actor=actor, op_id=op_id, digest=content
        )
    return Ack(op_id=op_id, seq=event.seq)
