import re
from importlib.metadata import version

from django.core.checks import Error, Tags, register

# Daphne 4.2.2 bounds websocket frames and stops Origin smuggling on the upgrade.
SAFE_DAPHNE = (4, 2, 2)


def release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


@register(Tags.security, deploy=True)
def daphne_is_patched(app_configs, **kwargs):
    installed = version("daphne")
    if release(installed) >= SAFE_DAPHNE:
        return []
    return [
        Error(
            f"Daphne {installed} is installed; 4.2.2 or newer is required.",
            hint="pip install 'daphne>=4.2.2'",
            id="realtime.E001",
        )
    ]
