// The live board: applies the breakout's events in seq order, resumes after gaps, and
// keeps every card the person posts in an outbox (localStorage) until the server acks it.
import { connectLive, showState } from "./live.js";

const board = document.getElementById("board");
const status = document.getElementById("connection-status");
const boardError = document.getElementById("board-error");
const breakout = Number(board.dataset.breakout);
const state = {
  seq: Number(board.dataset.seq),
  epoch: Number(board.dataset.epoch),
  connection: "connecting",
  resuming: null,
  retry: null,
};

const outbox = {
  key: `facilitate:outbox:${breakout}`,
  load() {
    try {
      return JSON.parse(localStorage.getItem(this.key)) || [];
    } catch {
      return [];
    }
  },
  save(ops) {
    localStorage.setItem(this.key, JSON.stringify(ops));
  },
  add(op) {
    this.save([...this.load(), op]);
  },
  remove(opId) {
    this.save(this.load().filter((op) => op.op_id !== opId));
  },
};

function newOpId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function updateStatus() {
  const unsent = outbox.load().length;
  const extra = unsent ? status.dataset.textUnsent.replace("{count}", unsent) : "";
  showState(status, state.connection === "connected" ? "connected" : state.connection, extra);
}

// Pending cards: shown greyed until the server has stored them.

function showPending(op) {
  if (document.getElementById(`pending-${op.op_id}`)) return;
  const item = document.createElement("li");
  item.id = `pending-${op.op_id}`;
  item.className = `card card--${op.kind} pending`;
  const text = document.createElement("div");
  text.className = "card-text";
  text.textContent = op.text;
  const meta = document.createElement("p");
  meta.className = "card-meta";
  meta.textContent = board.dataset.textSending;
  item.append(text, meta);
  document.getElementById(`cards-${op.kind}`)?.append(item);
}

function showFailed(opId, message) {
  const item = document.getElementById(`pending-${opId}`);
  if (!item) {
    showBoardError(message);
    return;
  }
  item.classList.add("failed");
  const meta = item.querySelector(".card-meta");
  meta.textContent = `${board.dataset.textFailed}: ${message} `;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "link";
  dismiss.textContent = board.dataset.textDismiss;
  dismiss.addEventListener("click", () => item.remove());
  meta.append(dismiss);
}

function showBoardError(message) {
  boardError.textContent = message;
  boardError.hidden = false;
}

function removePending(opId) {
  document.getElementById(`pending-${opId}`)?.remove();
}

// Applying what the server sends.

function insertHtml(listId, html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  const element = template.content.firstElementChild;
  const existing = element && document.getElementById(element.id);
  if (existing) existing.replaceWith(element);
  else document.getElementById(listId)?.append(template.content);
}

const APPLY = {
  "card.created": (event) => insertHtml(`cards-${event.data.card.kind}`, event.html),
};

function applyEvent(event) {
  if (event.breakout !== breakout || event.seq <= state.seq) return;
  if (event.seq > state.seq + 1) {
    resume();
    return;
  }
  APPLY[event.name]?.(event);
  if (event.op_id) removePending(event.op_id);
  state.seq = event.seq;
  doneResuming();
}

function applySnapshot(snapshot) {
  if (snapshot.epoch === state.epoch && snapshot.seq < state.seq) return; // older than shown
  const template = document.createElement("template");
  template.innerHTML = snapshot.html;
  for (const element of template.content.querySelectorAll("[id]")) {
    document.getElementById(element.id)?.replaceWith(element);
  }
  state.seq = snapshot.seq;
  state.epoch = snapshot.epoch;
  for (const op of outbox.load()) showPending(op);
  doneResuming();
}

function resume() {
  if (state.resuming) return;
  // Until the missed events arrive, further gaps need no second request.
  state.resuming = setTimeout(doneResuming, 5000);
  live.send({ type: "resume", since: state.seq, epoch: state.epoch });
}

function doneResuming() {
  clearTimeout(state.resuming);
  state.resuming = null;
}

function acked(ack) {
  outbox.remove(ack.op_id);
  if (ack.seq <= state.seq) removePending(ack.op_id);
  // The event normally follows the ack at once; if it was lost, fetch it.
  else setTimeout(() => state.seq < ack.seq && resume(), 3000);
  updateStatus();
}

function failed(error) {
  if (error.retryable) {
    scheduleRetry();
    return;
  }
  if (!error.op_id) {
    showBoardError(error.message);
    return;
  }
  outbox.remove(error.op_id);
  showFailed(error.op_id, error.message);
  updateStatus();
}

function scheduleRetry() {
  clearTimeout(state.retry);
  state.retry = setTimeout(flushOutbox, 2000 + Math.random() * 3000);
}

function flushOutbox() {
  for (const op of outbox.load()) live.send(op);
}

const live = connectLive({
  url: board.dataset.wsUrl,
  watchdogMs: 35000,
  onState(connection) {
    state.connection = connection;
    updateStatus();
  },
  onOpen() {
    doneResuming();
    resume();
    flushOutbox();
  },
  onMessage(message) {
    if (message.type === "event") applyEvent(message);
    else if (message.type === "snapshot") applySnapshot(message);
    else if (message.type === "head" && message.seq > state.seq) resume();
    else if (message.type === "ack") acked(message);
    else if (message.type === "error") failed(message);
  },
});

for (const form of board.querySelectorAll("form.card-form")) {
  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    const textarea = form.elements.text;
    const text = textarea.value.trim();
    if (!text) {
      textarea.focus();
      return;
    }
    const op = {
      type: "card.create",
      op_id: newOpId(),
      kind: form.dataset.kind,
      text,
      anonymous: Boolean(form.elements.anonymous?.checked),
    };
    outbox.add(op);
    showPending(op);
    live.send(op);
    form.reset();
    textarea.focus();
    updateStatus();
  });
}

for (const op of outbox.load()) showPending(op);
updateStatus();
