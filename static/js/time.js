// Show every <time data-format> in the viewer's own time zone and language.
const FORMATS = {
  time: { timeStyle: "short" },
  datetime: { dateStyle: "full", timeStyle: "short", timeZoneName: "short" },
};

function localise(root) {
  const language = document.documentElement.lang || undefined;
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
