// The control room: the server pushes the rows of breakouts (and the workshop's toolbar)
// rendered anew whenever they change; each replaces the element with its id.
import { connectLive, showState } from "./live.js";
import { serverNow } from "./timer.js";

const table = document.getElementById("control");
const status = document.getElementById("connection-status");

// An element whose form is being sent waits: htmx drops the answer of a form that left
// the page, and the answer says whether the action worked.
const waiting = new Map();

function busy(element) {
  return element.matches(".htmx-request") || element.querySelector(".htmx-request");
}

function replace(element) {
  const current = document.getElementById(element.id);
  if (!current) return;
  if (busy(current)) {
    waiting.set(element.id, element);
    return;
  }
  // Keep the keyboard where it was: a control inside a replaced row keeps its focus.
  const focused = current.contains(document.activeElement) ? document.activeElement.id : null;
  current.replaceWith(element);
  window.htmx.process(element);
  if (focused) document.getElementById(focused)?.focus();
}

// Each fragment is parsed alone: a table row and a form do not share a parser state.
function replaceRendered(fragments) {
  for (const html of fragments) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    replace(template.content.firstElementChild);
  }
}

document.body.addEventListener("htmx:afterRequest", () => {
  setTimeout(() => {
    const pending = [...waiting.values()];
    waiting.clear();
    pending.forEach(replace);
  });
});

connectLive({
  url: table.dataset.wsUrl,
  onState: (state) => showState(status, state),
  onOpen: () => {},
  onMessage: (message) => {
    if (message.type === "control") replaceRendered(message.fragments);
  },
});

// A breakout where people are and nothing happened for 5 minutes is flagged as time
// passes, without asking the server.
const STALL_MS = 5 * 60 * 1000;

function flagStalled() {
  for (const row of table.querySelectorAll("tr[data-breakout]")) {
    const last = Date.parse(row.dataset.lastActivity);
    const stalled =
      row.dataset.open === "true" && Number(row.dataset.present) > 0 && serverNow() - last > STALL_MS;
    row.classList.toggle("stalled", stalled);
    row.querySelector("[data-stalled-badge]").hidden = !stalled;
  }
}

setInterval(flagStalled, 15000);

// A sent message clears its form once the server accepted it.
document.body.addEventListener("controlChanged", (event) => {
  const form = event.target.closest?.("form[data-reset-on-success]");
  if (form) form.reset();
});
