// Votes and summaries on the board. Dots are this person's own (sent only to them) and
// what is left of the budget is counted here; totals come with the board's events
// once shown, and the results list takes its labels from the board itself.
import { nameDots } from "./names.js";

const board = document.getElementById("board");
const last = { votes: null, mine: null };
const LABEL_LENGTH = 120;

function labelOf(target) {
  const [kind, id] = target.split(":");
  const element =
    kind === "card"
      ? document.querySelector(`#card-${id} .card-text`)
      : document.querySelector(`#cluster-${id} .cluster-title`);
  return element ? element.textContent.trim().slice(0, LABEL_LENGTH) : null;
}

// Cards and clusters that appear later show the same counts and dots.
export function refreshVotes() {
  if (last.votes) applyVotes(last.votes);
  if (last.mine) applyMyVotes(last.mine);
}

export function applyVotes(votes) {
  last.votes = votes;
  board.toggleAttribute("data-votes-visible", votes.visible);
  for (const element of board.querySelectorAll(".vote")) {
    const count = votes.counts[element.dataset.target] || 0;
    element.querySelector(".vote-total").textContent = votes.visible ? count : "";
  }
  const budget = document.getElementById("vote-budget");
  if (budget) budget.textContent = votes.budget;
  const ranked = Object.entries(votes.counts)
    .map(([target, count]) => ({ label: labelOf(target), count }))
    .filter((result) => result.label !== null)
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  document.getElementById("results").replaceChildren(
    ...ranked.map((result) => {
      const item = document.createElement("li");
      const total = document.createElement("strong");
      total.textContent = result.count;
      item.append(`${result.label} `, total);
      return item;
    }),
  );
  if (last.mine) applyMyVotes(last.mine);
}

// Returns the votes this person has left.
export function applyMyVotes(mine) {
  last.mine = mine;
  const used = Object.values(mine).reduce((sum, dots) => sum + dots, 0);
  const remaining = Math.max(0, (last.votes ? last.votes.budget : 0) - used);
  const left = document.getElementById("votes-left");
  if (left) left.textContent = remaining;
  for (const element of board.querySelectorAll(".vote")) {
    const dots = mine[element.dataset.target] || 0;
    const shown = element.querySelector(".my-dots");
    shown.textContent = "●".repeat(dots);
    nameDots(shown, dots);
    // aria-disabled, not disabled: a button the person is on keeps the keyboard focus.
    element.querySelector("[data-vote='add']").setAttribute("aria-disabled", remaining === 0);
    element.querySelector("[data-vote='remove']").setAttribute("aria-disabled", dots === 0);
  }  return remaining;
}

function editorFor(clusterId) {
  return clusterId
    ? board.querySelector(`.summary-editor[data-cluster="${clusterId}"]`)
    : board.querySelector(".summary > .summary-editor");
}

function shownText(clusterId) {
  return clusterId
    ? document.querySelector(`#cluster-${clusterId} .key-points-text`)
    : document.getElementById("summary-text");
}

function say(editor, text) {
  if (editor) editor.querySelector(".editor-status").textContent = text;
}

// A saved text reaches everyone; an editor with unsaved changes keeps them.
export function applySummary(change, ownSave) {
  const shown = shownText(change.cluster);
  if (shown) shown.innerText = change.text;
  const editor = editorFor(change.cluster);
  if (!editor) return;
  if (ownSave || !editor.dataset.dirty) {
    editor.elements.text.value = change.text;
    editor.dataset.version = change.version;
    delete editor.dataset.dirty;
    if (ownSave) say(editor, gettext("Saved."));
  }
}

// Someone saved first: show their text, keep ours, and let the next save go on theirs.
export function summaryConflict(clusterId, error) {
  const editor = editorFor(clusterId);
  if (!editor || !error.data) return;
  editor.dataset.version = error.data.version;
  say(editor, interpolate(gettext("%(error)s Their version: %(text)s"), { error: error.message, text: error.data.current }, true));
}

export function initOutcomes(send, newOpId, pending) {
  board.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-vote]");
    if (!button || button.getAttribute("aria-disabled") === "true") return;
    const [target, id] = button.closest(".vote").dataset.target.split(":");
    send({ type: "vote", op_id: newOpId(), target, target_id: Number(id), add: button.dataset.vote === "add" });
  });

  board.addEventListener("input", (event) => {
    const editor = event.target.closest(".summary-editor");
    if (editor) editor.dataset.dirty = "1";
  });

  board.addEventListener("submit", (event) => {
    const editor = event.target;
    if (!editor.matches(".summary-editor")) return;
    event.preventDefault();
    const clusterId = editor.dataset.cluster ? Number(editor.dataset.cluster) : null;
    const op = {
      type: "summary.write",
      op_id: newOpId(),
      cluster_id: clusterId,
      text: editor.elements.text.value,
      version: Number(editor.dataset.version),
    };
    pending.set(op.op_id, clusterId);
    send(op);
  });

  board.addEventListener("click", async (event) => {
    const button = event.target.closest(".suggest-key-points");
    if (!button) return;
    const editor = button.closest(".summary-editor");
    const url = board.dataset.keyPointsUrl.replace("/clusters/0/", `/clusters/${editor.dataset.cluster}/`);
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return;
    editor.elements.text.value = await response.text();
    editor.dataset.dirty = "1";
    editor.elements.text.focus();
  });
}
