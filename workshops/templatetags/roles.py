"""Templates ask the table of roles too: {% if participant|may:"workshop.prepare" %}."""

from django import template

from workshops import roles

register = template.Library()


@register.filter
def may(participant, action: str) -> bool:
    return participant is not None and roles.allows(participant, action)
