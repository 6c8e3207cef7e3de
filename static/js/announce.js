// What a screen reader should hear of live changes, said politely through the page's one
// live region. A burst is said once: what arrives within a moment is gathered, new cards
// are counted ("3 new cards"), and a message repeated in the burst is said once.
const DELAY_MS = 1500;
const region = document.getElementById("announce");
const waiting = new Set();
let newCards = 0;
let timer = null;

function flush() {
  timer = null;
  const parts = [];
  if (newCards) parts.push(interpolate(ngettext("%(count)s new card", "%(count)s new cards", newCards), { count: newCards }, true));
  parts.push(...waiting);
  newCards = 0;
  waiting.clear();
  // Emptied first, so that a sentence said before is said again.
  region.textContent = "";
  setTimeout(() => {
    region.textContent = parts.join(" ");
  }, 50);
}

function soon() {
  if (region && timer === null) timer = setTimeout(flush, DELAY_MS);
}

export function announce(text) {
  waiting.add(text);
  soon();
}

export function announceNewCard() {
  newCards += 1;
  soon();
}
