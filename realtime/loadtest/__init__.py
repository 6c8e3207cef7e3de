"""The load generator behind `python manage.py loadtest`, and the bare servers it
compares the app with (`bare_asgi`, `bare_websockets`). Nothing here is imported by the
app itself; the bare servers import no Django."""
