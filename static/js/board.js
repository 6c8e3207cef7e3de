// The live board: applies the breakout's events in seq order, resumes after gaps, and
// keeps every write the person makes in an outbox (localStorage) until the server acks it.
import { announce, announceNewCard } from "./announce.js";
import { applyLayout, initClustering, insertById, markDraggable } from "./clusters.js";
import { keepingFocus, removeKeepingFocus } from "./focus.js";
import { connectLive, showState } from "./live.js";
import {
  applyMyVotes,
  applySummary,
  applyVotes,
  initOutcomes,
  refreshVotes,
  summaryConflict,
} from "./outcomes.js";
import { nameCardControls, nameClusterControls } from "./names.js";
import { applyTimer, setServerTime } from "./timer.js";

const board = document.getElementById("board");
const status = document.getElementById("connection-status");
const boardError = document.getElementById("board-error");
const breakout = Number(board.dataset.breakout);
const isFacilitator = board.dataset.facilitator === "true";
// A member of this breakout clusters only while the board lets participants do it.
const clustersIfOpen = board.hasAttribute("data-cluster-if-open");
const summaryWrites = new Map(); // op_id -> cluster id (null: the breakout summary)
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
  const extra = unsent
    ? interpolate(ngettext("%(count)s card not sent yet", "%(count)s cards not sent yet", unsent), { count: unsent }, true)
    : "";
  showState(status, state.connection, extra);
}

function send(op) {
  outbox.add(op);
  live.send(op);
  updateStatus();
}

// Pending cards: shown greyed until the server has stored them.

function showPending(op) {
  if (op.type !== "card.create" || document.getElementById(`pending-${op.op_id}`)) return;
  const item = document.createElement("li");
  item.id = `pending-${op.op_id}`;
  item.className = `card card--${op.kind} pending`;
  const text = document.createElement("div");
  text.className = "card-text";
  text.textContent = op.text;
  const meta = document.createElement("p");
  meta.className = "card-meta";
  meta.textContent = gettext("Sending…");
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
  meta.textContent = `${interpolate(gettext("Not posted: %(reason)s"), { reason: message }, true)} `;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "link";
  dismiss.textContent = gettext("Dismiss");
  dismiss.addEventListener("click", () => removeKeepingFocus(item));
  meta.append(dismiss);
  announce(interpolate(gettext("Your card was not posted: %(reason)s"), { reason: message }, true));
}

function showBoardError(message) {
  boardError.textContent = message;
  boardError.hidden = false;
}

function removePending(opId) {
  document.getElementById(`pending-${opId}`)?.remove();
}

// Applying what the server sends.

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

// Events bring data; the page shows it with its own templates, in its own language.
function fromTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

// Text as written, its line breaks kept, never read as HTML.
function setLines(element, text) {
  element.replaceChildren();
  text.replace(/\r\n?/g, "\n").split("\n").forEach((line, index) => {
    if (index) element.append(document.createElement("br"));
    element.append(line);
  });
}

function setTime(element, iso) {
  element.dateTime = iso;
  element.textContent = iso.slice(11, 16);
}

const LANGUAGE_NAMES = JSON.parse(document.getElementById("language-names").textContent);

// The language a card is written in: marked for screen readers, shown as its code.
function showLanguage(element, language) {
  element.dataset.language = language || "";
  const code = element.querySelector(".card-language");
  if (!language) {
    code.remove();
    element.querySelector(".card-text").removeAttribute("lang");
    return;
  }
  element.querySelector(".card-text").lang = language;
  code.textContent = language.toUpperCase();
  code.title = LANGUAGE_NAMES[language] || language;
}

function cardElement(card) {
  const element = fromTemplate(card.hidden ? "hidden-card-template" : "card-template");
  element.id = `card-${card.id}`;
  element.dataset.card = card.id;
  element.dataset.kind = card.kind;
  element.classList.replace("card--practice", `card--${card.kind}`);
  element.querySelector(".card-kind").textContent = card.kind === "difficulty" ? gettext("Difficulty") : gettext("Practice");
  setLines(element.querySelector(".card-text"), card.text);
  showLanguage(element, card.language);
  if (card.author !== null) element.querySelector(".author").textContent = card.author;
  setTime(element.querySelector("time"), card.created_at);
  for (const button of element.querySelectorAll("button.moderate")) button.dataset.card = card.id;
  element.querySelector(".vote").dataset.target = `card:${card.id}`;
  const linkAnswers = element.querySelector(".link-answers");
  linkAnswers.hash = `difficulty-${card.id}`;
  nameCardControls(element);
  return element;
}

function answerElement(answer) {
  const element = fromTemplate("answer-template");
  element.dataset.answer = answer.id;
  element.classList.toggle("answer--hidden", answer.practice.hidden);
  const from = element.querySelector(".answer-from");
  from.textContent = interpolate(
    gettext("Answered by a practice from %(breakout)s:"),
    { breakout: answer.practice.breakout },
    true,
  );
  element.querySelector(".answer-text").textContent = answer.practice.text;
  element.querySelector(".answer-note").textContent = answer.note;
  return element;
}

// A difficulty's answers come whole with each change: the list is replaced.
function applyAnswers(data) {
  const list = document.querySelector(`#card-${data.difficulty} .answers`);
  list?.replaceChildren(...data.links.map(answerElement));
}

function messageElement(message) {
  const element = fromTemplate(message.to_all ? "message-to-all-template" : "message-to-breakout-template");
  element.id = `message-${message.id}`;
  element.querySelector(".message-author").textContent = message.author;
  setLines(element.querySelector(".message-text"), message.text);
  setTime(element.querySelector("time"), message.created_at);
  return element;
}

// A card goes to its cluster if it has one, else to its column, in posting order.
function placeCard(card) {
  const element = cardElement(card);
  const answers = document.querySelector(`#${element.id} .answers`);
  if (answers) element.querySelector(".answers").replaceWith(answers);
  keepingFocus(() => {
    document.getElementById(element.id)?.remove();
    const cluster = card.cluster && document.querySelector(`#cluster-${card.cluster} .cluster-cards`);
    insertById(cluster || document.getElementById(`cards-${card.kind}`), element);
  });
  markDraggable();
  refreshVotes();
}

function nameAllControls() {
  for (const card of board.querySelectorAll("li[data-card]")) nameCardControls(card);
  for (const cluster of board.querySelectorAll(".cluster")) nameClusterControls(cluster);
}

function announceMessage(message) {
  const values = { author: message.author, text: message.text };
  const format = message.to_all ? gettext("Message to everyone from %(author)s: %(text)s") : gettext("Message to this breakout from %(author)s: %(text)s");
  announce(interpolate(format, values, true));
}

const PHASE_LABELS = {
  collect: () => gettext("Collect"),
  cluster: () => gettext("Cluster"),
  vote: () => gettext("Vote"),
  summarise: () => gettext("Summarise"),
  closed: () => gettext("Closed"),
};

function showPhase(phase) {
  board.dataset.phase = phase;
  const badge = document.getElementById("phase");
  badge.dataset.phase = phase;
  badge.querySelector(".phase-label").textContent = PHASE_LABELS[phase]();
  const notice = document.getElementById("phase-notice");
  const locked = phase === "closed" || (phase !== "collect" && !isFacilitator);
  notice.textContent =
    phase === "closed" ? gettext("This board is closed: you can read it, not change it.") : gettext("Posting is closed in this phase.");
  notice.hidden = phase === "collect";
  for (const form of board.querySelectorAll("form.card-form")) {
    for (const control of form.elements) control.disabled = locked;
  }
}

function applySettings(settings) {
  if (settings.allow_anonymous != null) board.toggleAttribute("data-allow-anonymous", settings.allow_anonymous);
  if (settings.participants_cluster != null && clustersIfOpen) {
    board.toggleAttribute("data-can-cluster", settings.participants_cluster);
    markDraggable();
  }
}

// Everything the board shows besides its cards and clusters: on load and with a snapshot.
function applyState(state) {
  showPhase(state.phase);
  applySettings(state);
  applyTimer(document.querySelector(".board-status [data-timer]"), state.timer);
  applyVotes(state.votes);
  applySummary({ cluster: null, ...state.summary }, false);
}

function readState() {
  return JSON.parse(document.getElementById("board-state").textContent);
}

// Members hear "card.removed" when a card is hidden; the team sees it marked instead.
const APPLY = {
  "card.created": (event) => {
    if (!document.getElementById(`pending-${event.op_id}`)) announceNewCard();
    placeCard(event.data.card);
  },
  "card.restored": (event) => placeCard(event.data.card),
  "card.hidden": (event) => placeCard(event.data.card),
  "card.removed": (event) => {
    const element = document.getElementById(`card-${event.data.card.id}`);
    if (element) removeKeepingFocus(element);
  },
  "layout.changed": (event) => {
    keepingFocus(() => applyLayout(event.data));
    refreshVotes();
  },
  "votes.changed": (event) => applyVotes(event.data),
  "summary.changed": (event) => applySummary(event.data, summaryWrites.delete(event.op_id)),
  "phase.changed": (event) => {
    showPhase(event.data.phase);
    announce(interpolate(gettext("The phase is now: %(phase)s"), { phase: PHASE_LABELS[event.data.phase]() }, true));
  },
  "timer.changed": (event) => applyTimer(document.querySelector(".board-status [data-timer]"), event.data),
  "message.posted": (event) => {
    document.getElementById("messages").prepend(messageElement(event.data.message));
    announceMessage(event.data.message);
  },
  "settings.changed": (event) => applySettings(event.data),
  "answers.changed": (event) => applyAnswers(event.data),
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
  board.dataset.seq = state.seq;
  doneResuming();
}

function applySnapshot(snapshot) {
  if (snapshot.epoch === state.epoch && snapshot.seq < state.seq) return; // older than shown
  const template = document.createElement("template");
  template.innerHTML = snapshot.html;
  keepingFocus(() => {
    for (const element of template.content.querySelectorAll("[id]")) {
      document.getElementById(element.id)?.replaceWith(element);
    }
    nameAllControls();
  });
  applyState(readState());
  markDraggable();
  state.seq = snapshot.seq;
  board.dataset.seq = state.seq;
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
  if (summaryWrites.has(error.op_id)) summaryConflict(summaryWrites.get(error.op_id), error);
  else showFailed(error.op_id, error.message);
  summaryWrites.delete(error.op_id);
  updateStatus();
}

function scheduleRetry() {
  clearTimeout(state.retry);
  state.retry = setTimeout(flushOutbox, 2000 + Math.random() * 3000);
}

function flushOutbox() {
  for (const op of outbox.load()) live.send(op);
}

const ON_MESSAGE = {
  event: applyEvent,
  snapshot: applySnapshot,
  head(message) {
    setServerTime(message.now);
    if (message.seq > state.seq) resume();
  },
  ack: acked,
  error: failed,
  presence(message) {
    document.getElementById("presence")?.replaceWith(fragment(message.html));
  },
  go() {
    window.location.assign(board.dataset.hereUrl);
  },
  help() {
    window.htmx.ajax("GET", board.dataset.helpUrl, { target: "#help", swap: "outerHTML" });
  },
  "votes.mine": (message) => {
    const before = document.getElementById("votes-left")?.textContent;
    const left = applyMyVotes(message.mine);
    if (String(left) !== before) announce(interpolate(ngettext("You have %(count)s vote left.", "You have %(count)s votes left.", left), { count: left }, true));
  },
};

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
    ON_MESSAGE[message.type]?.(message);
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
      anonymous: board.hasAttribute("data-allow-anonymous") && form.elements.anonymous.checked,
      language: form.elements.language.value,
    };
    showPending(op);
    send(op);
    form.reset();
    textarea.focus();
  });
}

// Facilitators hide and restore cards with the same outbox as everything else.
board.addEventListener("click", (click) => {
  const button = click.target.closest("button.moderate");
  if (!button) return;
  send({ type: button.dataset.action, op_id: newOpId(), card_id: Number(button.dataset.card) });
});

// The facilitator's suggestion preview can be closed without a round trip.
document.addEventListener("click", (click) => {
  if (click.target.closest("[data-dismiss-suggestion]")) document.getElementById("suggestion").replaceChildren();
});

nameAllControls();
initClustering(send, newOpId);
initOutcomes(send, newOpId, summaryWrites);
applyState(readState());
const myVotes = document.getElementById("my-votes");
if (myVotes) applyMyVotes(JSON.parse(myVotes.textContent));
for (const op of outbox.load()) showPending(op);
updateStatus();

// Only the cards written in one language, or all of them.
document.getElementById("language-filter").addEventListener("change", (change) => {
  if (change.target.value) board.dataset.showLanguage = change.target.value;
  else delete board.dataset.showLanguage;
});
