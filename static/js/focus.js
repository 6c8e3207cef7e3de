// Live updates move and replace parts of the page; the keyboard stays where the person
// was. An element that was moved gets its focus (and its text selection) back; one that
// was replaced hands it to the same control of its replacement, found by the nearest
// element with an id around it.
const CONTROLS = [
  "[data-vote='add']",
  "[data-vote='remove']",
  "button.moderate",
  "summary",
  "button[data-action]",
  "input",
  "textarea",
  "button",
];

function addressOf(element) {
  if (element.id) return { id: element.id, control: null };
  const home = element.parentElement?.closest("[id]");
  const control = CONTROLS.find((selector) => element.matches(selector));
  return home ? { id: home.id, control } : null;
}

function find(address) {
  const home = address && document.getElementById(address.id);
  if (!home || !address.control) return home;
  return home.querySelector(address.control);
}

// Only text fields have a selection (reading it throws on other inputs).
function selectionOf(element) {
  if (!element.matches("textarea, input")) return null;
  try {
    return element.selectionStart === null ? null : [element.selectionStart, element.selectionEnd];
  } catch {
    return null;
  }
}

export function keepingFocus(change) {
  const active = document.activeElement;
  if (!active || active === document.body) {
    change();
    return;
  }
  const address = addressOf(active);
  const selection = selectionOf(active);
  change();
  if (document.activeElement === active) return;
  if (active.isConnected) {
    active.focus({ preventScroll: true });
    if (selection) active.setSelectionRange(...selection);
    return;
  }
  find(address)?.focus({ preventScroll: true });
}

// A card that leaves the page while it has the focus hands it to its neighbour, or to
// the heading of its list when it was the last one.
export function removeKeepingFocus(element) {
  if (!element.contains(document.activeElement)) {
    element.remove();
    return;
  }
  const list = element.parentElement;
  const next = element.nextElementSibling || element.previousElementSibling;
  element.remove();
  const target = next || document.getElementById(list.getAttribute("aria-labelledby")) || list;
  target.tabIndex = -1;
  target.focus({ preventScroll: true });
}
