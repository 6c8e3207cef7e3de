// The control room: each breakout row refreshes itself (htmx) when its board changes.
import { connectLive, showState } from "./live.js";

const table = document.getElementById("control");
const status = document.getElementById("connection-status");

function refresh(breakout) {
  const row = document.getElementById(`breakout-row-${breakout}`);
  if (row) window.htmx.trigger(row, "refresh");
}

connectLive({
  url: table.dataset.wsUrl,
  onState: (state) => showState(status, state),
  onOpen: () => {
    for (const row of table.querySelectorAll("tr[data-breakout]")) refresh(row.dataset.breakout);
  },
  onMessage: (message) => {
    if (message.type === "event") refresh(message.breakout);
  },
});
