// Show every <time data-format> in the viewer's own time zone and language.
const FORMATS = {
  time: { hour: "2-digit", minute: "2-digit" },
  datetime: {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  },
};

// The page's language, in the viewer's regional variant when they have one (en-GB: 24 h).
const pageLanguage = document.documentElement.lang || "en";
const language =
  navigator.languages.find((tag) => tag.split("-")[0] === pageLanguage) || pageLanguage;

function localise(root) {
  for (const element of root.querySelectorAll("time[data-format]")) {
    const date = new Date(element.dateTime);
    if (Number.isNaN(date.getTime())) continue;
    const format = new Intl.DateTimeFormat(language, FORMATS[element.dataset.format]);
    element.textContent = format.format(date);
  }
}

localise(document);
new MutationObserver((changes) => {
  for (const change of changes) {
    for (const node of change.addedNodes) {
      if (node.nodeType === Node.ELEMENT_NODE) localise(node.parentElement || node);
    }
  }
}).observe(document.body, { childList: true, subtree: true });

// The reader's zone named under the workshop's time, and the organisers' time beside it
// when their clocks show another time.
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function clockIn(zone, date) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", day: "numeric" }).format(date);
}

for (const when of document.querySelectorAll(".when[data-organiser-zone]")) {
  const note = when.querySelector(".viewer-zone");
  note.textContent = interpolate(gettext("Times are shown in your time zone (%(zone)s)."), { zone: viewerZone }, true);
  note.hidden = false;
  const start = new Date(when.querySelector("time").dateTime);
  when.querySelector(".organiser-time").hidden = clockIn(viewerZone, start) === clockIn(when.dataset.organiserZone, start);
}
