// Accessible names that say which card or cluster a control acts on: every card has the
// same "Vote" and "Hide" buttons, so each is named "Vote for: <first words of the card>".
const WORDS = 8;

export function shortText(text) {
  const words = text.trim().split(/\s+/);
  const start = words.slice(0, WORDS).join(" ");
  return words.length > WORDS ? `${start}…` : start;
}

function name(element, selector, label) {
  for (const control of element.querySelectorAll(selector)) control.setAttribute("aria-label", label);
}

function say(format, values) {
  return interpolate(format, values, true);
}

export function nameCardControls(card) {
  const values = { card: shortText(card.querySelector(".card-text").textContent) };
  name(card, ":scope > .vote [data-vote='add']", say(gettext("Vote for: %(card)s"), values));
  name(card, ":scope > .vote [data-vote='remove']", say(gettext("Take a vote back from: %(card)s"), values));
  name(card, "[data-action='card.hide']", say(gettext("Hide: %(card)s"), values));
  name(card, "[data-action='card.restore']", say(gettext("Show again: %(card)s"), values));
  name(card, ".card-menu > summary", say(gettext("Move to… (%(card)s)"), values));
}

export function nameClusterControls(cluster) {
  const values = { cluster: cluster.querySelector(".cluster-title").textContent.trim() };
  const head = cluster.querySelector(".cluster-head");
  name(head, ".vote [data-vote='add']", say(gettext("Vote for the cluster: %(cluster)s"), values));
  name(head, ".vote [data-vote='remove']", say(gettext("Take a vote back from the cluster: %(cluster)s"), values));
  name(head, ".cluster-menu > summary", say(gettext("Cluster actions: %(cluster)s"), values));
  name(head, ".rename-form input", say(gettext("Title of the cluster: %(cluster)s"), values));
  name(head, ".rename-form button", say(gettext("Rename the cluster: %(cluster)s"), values));
  name(head, "[data-action='cluster.up']", say(gettext("Move up: %(cluster)s"), values));
  name(head, "[data-action='cluster.down']", say(gettext("Move down: %(cluster)s"), values));
  const keyPoints = cluster.querySelector(".key-points");
  name(keyPoints, "textarea", say(gettext("Key points of this cluster: %(cluster)s"), values));
  name(keyPoints, "button[type='submit']", say(gettext("Save the key points of: %(cluster)s"), values));
  name(keyPoints, ".suggest-key-points", say(gettext("Suggest key points for: %(cluster)s"), values));
}

// This person's own dots on a card or cluster, said in words.
export function nameDots(dots, count) {
  if (count) {
    dots.setAttribute("role", "img");
    dots.setAttribute("aria-label", say(ngettext("You gave it %(count)s vote", "You gave it %(count)s votes", count), { count }));
  } else {
    dots.removeAttribute("role");
    dots.removeAttribute("aria-label");
  }
}
