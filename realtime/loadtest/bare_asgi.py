"""Daphne's floor for `loadtest --compare`: a bare ASGI websocket broadcast app.

    daphne realtime.loadtest.bare_asgi:application

Each socket's own `send` is called directly for every member of its room (no channel
layer, no database); see `bare.Rooms` for what is answered.
"""

from .bare import Rooms, room_of

rooms = Rooms()


async def application(scope, receive, send):
    if scope["type"] == "websocket":
        await serve_socket(scope, receive, send)
    elif scope["type"] == "http":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def serve_socket(scope, receive, send):
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    room = room_of(scope["query_string"].decode("latin-1"))
    rooms.join(room, send)
    try:
        while (message := await receive())["type"] == "websocket.receive":
            reply = rooms.answer(room, message.get("text"))
            if reply:
                ack, event = reply
                await send({"type": "websocket.send", "text": ack})
                for member in rooms.recipients(room):
                    await member({"type": "websocket.send", "text": event})
    finally:
        rooms.leave(room, send)
