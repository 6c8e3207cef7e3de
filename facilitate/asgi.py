import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facilitate.settings")
# Django must be set up before the consumers (and their models) are imported.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from facilitate.proxy import ForwardedClient  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

application = ForwardedClient(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            # The consumer reads the user from the session itself, in the same database
            # round trip as the rest of what it needs to open a socket.
            "websocket": AllowedHostsOriginValidator(
                SessionMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
