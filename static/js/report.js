// The report page: the draft follows the session. The server says when something in the
// workshop changed (at most every few seconds); the page then loads the draft again.
import { connectLive, showState } from "./live.js";

const draft = document.getElementById("report-draft");
const status = document.getElementById("connection-status");

function reload() {
  window.htmx.ajax("GET", draft.dataset.url, { target: "#report-document", swap: "outerHTML" });
}

connectLive({
  url: draft.dataset.wsUrl,
  onState: (state) => showState(status, state),
  onOpen: reload,
  onMessage: (message) => {
    if (message.type === "report") reload();
  },
});
