// A live websocket that reconnects with full-jitter backoff and reports its state:
// "connecting", "connected", "reconnecting", "offline" (the browser has no network)
// or "ended" (refused: do not retry). A message too large for one frame arrives in
// parts, joined here before it is handed on.
const REFUSED = new Set([4401, 4403]);
const MAX_DELAY_MS = 30000;

export function connectLive({ url, onOpen, onMessage, onState, watchdogMs = 0 }) {
  const address = new URL(url, location.href);
  address.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  let socket = null;
  let attempt = 0;
  let ended = false;
  let retryTimer = null;
  let watchdog = null;

  function feedWatchdog() {
    if (!watchdogMs) return;
    clearTimeout(watchdog);
    // No message for this long (the server beacons): assume a dead connection.
    watchdog = setTimeout(() => socket && socket.close(), watchdogMs);
  }

  function open() {
    clearTimeout(retryTimer);
    onState(attempt === 0 ? "connecting" : "reconnecting");
    socket = new WebSocket(address);
    socket.addEventListener("open", () => {
      attempt = 0;
      onState("connected");
      feedWatchdog();
      onOpen();
    });
    const parts = [];
    socket.addEventListener("message", (event) => {
      feedWatchdog();
      let message;
      try {
        message = JSON.parse(event.data);
        if (message.type === "part") message = joinPart(parts, message);
      } catch {
        return;
      }
      if (message) onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      clearTimeout(watchdog);
      if (REFUSED.has(event.code)) {
        ended = true;
        onState("ended");
        return;
      }
      if (ended) return;
      attempt += 1;
      onState(navigator.onLine ? "reconnecting" : "offline");
      const delay = Math.random() * Math.min(MAX_DELAY_MS, 500 * 2 ** attempt);
      retryTimer = setTimeout(open, delay);
    });
  }

  window.addEventListener("online", () => {
    if (!ended && socket.readyState === WebSocket.CLOSED) open();
  });
  open();

  return {
    send(message) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    get connected() {
      return Boolean(socket) && socket.readyState === WebSocket.OPEN;
    },
  };
}

// Parts of one message arrive in order, one message at a time: keep them until the
// last, then give back the whole message.
function joinPart(parts, part) {
  if (part.index === 0) parts.length = 0;
  if (part.index !== parts.length || (parts.length && parts.id !== part.id)) {
    parts.length = 0;
    return null;
  }
  parts.id = part.id;
  parts.push(part.text);
  if (parts.length < part.count) return null;
  const whole = parts.join("");
  parts.length = 0;
  return JSON.parse(whole);
}

const STATE_LABELS = {
  connected: () => gettext("Live"),
  connecting: () => gettext("Connecting…"),
  reconnecting: () => gettext("Reconnecting…"),
  offline: () => gettext("Offline"),
  ended: () => gettext("Disconnected"),
};

// Show a connection state, and what else the page has to say about it.
export function showState(element, state, extra = "") {
  element.dataset.state = state;
  const label = STATE_LABELS[state]();
  element.textContent = extra ? `${label} — ${extra}` : label;
}
