// Countdowns to deadlines the server set (never ticks from the server). The server's
// clock is the reference: pages and head beacons carry its time.
import { announce } from "./announce.js";

let offsetMs = 0; // server time minus this browser's time

export function setServerTime(iso) {
  const server = Date.parse(iso);
  if (!Number.isNaN(server)) offsetMs = server - Date.now();
}

export function serverNow() {
  return Date.now() + offsetMs;
}

function format(seconds) {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

export function renderTimer(element) {
  const endsAt = element.dataset.endsAt;
  const paused = element.dataset.pausedSeconds;
  element.hidden = !endsAt && paused === "";
  if (element.hidden) return;
  const value = element.querySelector(".timer-value");
  if (!endsAt) {
    value.textContent = interpolate(gettext("%(time)s (paused)"), { time: format(Number(paused)) }, true);
    return;
  }
  const left = Math.max(0, Math.round((Date.parse(endsAt) - (Date.now() + offsetMs)) / 1000));
  const before = element.dataset.left;
  element.dataset.left = left;
  value.textContent = left === 0 ? gettext("Time is up") : format(left);
  element.classList.toggle("timer--up", left === 0);
  element.classList.toggle("timer--soon", left > 0 && left <= 60);
  if (left === 0 && before !== undefined && before !== "0") announce(gettext("Time is up"));
}

export function applyTimer(element, timer) {
  element.dataset.endsAt = timer.ends_at || "";
  element.dataset.pausedSeconds = timer.paused_seconds ?? "";
  delete element.dataset.left;
  renderTimer(element);
}

function renderAll() {
  for (const element of document.querySelectorAll("[data-timer]")) renderTimer(element);
}

setServerTime(document.body.dataset.serverTime);
renderAll();
setInterval(renderAll, 1000);
document.body.addEventListener("htmx:afterSwap", renderAll);
