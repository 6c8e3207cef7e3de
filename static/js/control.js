// The control room: a breakout's row refreshes itself (htmx) when its board or its
// people change; the workshop-wide part refreshes after every action.
import { connectLive, showState } from "./live.js";

const table = document.getElementById("control");
const status = document.getElementById("connection-status");

function refresh(breakout) {
  const target = breakout
    ? document.getElementById(`breakout-row-${breakout}`)
    : document.getElementById("toolbar");
  if (target) window.htmx.trigger(target, "refresh");
}

connectLive({
  url: table.dataset.wsUrl,
  onState: (state) => showState(status, state),
  onOpen: () => {
    for (const row of table.querySelectorAll("tr[data-breakout]")) refresh(row.dataset.breakout);
    refresh(null);
  },
  onMessage: (message) => {
    if (message.type === "event" || message.type === "control") refresh(message.breakout);
  },
});

// A sent message clears its form once the server accepted it.
document.body.addEventListener("controlChanged", (event) => {
  const form = event.target.closest?.("form[data-reset-on-success]");
  if (form) form.reset();
});
