// A scenario board: results per scenario follow the board's log live; a new scenario is
// added to the list without touching the others (answers being typed stay); a new phase
// or a gap too large to replay loads the page again.
import { connectLive, showState } from "./live.js";
import { setServerTime } from "./timer.js";

const board = document.getElementById("scenario-board");
const status = document.getElementById("connection-status");
const state = { seq: Number(board.dataset.seq), epoch: Number(board.dataset.epoch) };
const breakout = Number(board.dataset.breakout);

function fillList(list, texts) {
  list.replaceChildren(
    ...texts.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }),
  );
}

// One decimal, written as the page's language writes numbers (as the server renders it).
function average(value) {
  if (value === null) return "—";
  const digits = { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  return value.toLocaleString(document.documentElement.lang, digits);
}

function applyResults(results) {
  const box = document.getElementById(`scenario-results-${results.scenario}`);
  if (!box) return;
  box.querySelector("[data-agree]").textContent = results.agree;
  box.querySelector("[data-disagree]").textContent = results.disagree;
  for (const row of box.querySelectorAll("[data-criterion]")) {
    const rating = results.ratings[row.dataset.criterion];
    if (!rating) continue;
    row.querySelector("[data-average]").textContent = average(rating.average);
    row.querySelector("[data-count]").textContent = rating.count;
  }
  for (const list of box.querySelectorAll("[data-list]")) fillList(list, results[list.dataset.list]);
}

// The page as the server renders it now, for the scenarios this one does not have yet.
async function addNewScenarios() {
  const response = await fetch(location.href, { credentials: "same-origin" });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const list = document.getElementById("scenarios");
  for (const item of page.querySelectorAll("#scenarios > li.scenario")) {
    if (document.getElementById(item.id)) continue;
    list.querySelector("li:not(.scenario)")?.remove(); // "No scenario yet."
    list.append(document.adoptNode(item));
  }
}

const APPLY = {
  "scenario.results": (event) => applyResults(event.data),
  "scenario.posted": () => addNewScenarios(),
  "phase.changed": () => location.reload(),
};

function applyEvent(event) {
  if (event.breakout !== breakout || event.seq <= state.seq) return;
  if (event.seq > state.seq + 1) {
    resume();
    return;
  }
  APPLY[event.name]?.(event);
  state.seq = event.seq;
}

function resume() {
  live.send({ type: "resume", since: state.seq, epoch: state.epoch });
}

const ON_MESSAGE = {
  event: applyEvent,
  snapshot: () => location.reload(),
  head(message) {
    setServerTime(message.now);
    if (message.seq > state.seq) resume();
  },
  go: () => window.location.assign(board.dataset.hereUrl),
};

const live = connectLive({
  url: board.dataset.wsUrl,
  watchdogMs: 30000,
  onState: (connection) => showState(status, connection),
  onOpen: resume,
  onMessage: (message) => ON_MESSAGE[message.type]?.(message),
});
