// The workshop's main page: messages to everyone arrive live, and when the facilitators
// open the breakouts (or move this person) the page goes where it belongs.
import { connectLive, showState } from "./live.js";
import { setServerTime } from "./timer.js";

const plenary = document.getElementById("plenary");
const status = document.getElementById("connection-status");

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

const ON_MESSAGE = {
  message(message) {
    document.getElementById("messages").prepend(fragment(message.html));
  },
  go() {
    window.location.assign(plenary.dataset.hereUrl);
  },
  help() {
    window.htmx.ajax("GET", plenary.dataset.helpUrl, { target: "#help", swap: "outerHTML" });
  },
  head(message) {
    setServerTime(message.now);
  },
  recommendations() {
    const section = document.getElementById("recommendations");
    window.htmx.ajax("GET", section.dataset.url, { target: "#recommendations", swap: "outerHTML" });
  },
};

connectLive({
  url: plenary.dataset.wsUrl,
  onState: (state) => showState(status, state),
  onOpen: () => {},
  onMessage: (message) => ON_MESSAGE[message.type]?.(message),
});
