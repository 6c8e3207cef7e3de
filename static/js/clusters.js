// Clusters on the board: applying the layout the server logged, and the ways people
// change it: drag and drop, or the "Move to…" and "Cluster actions" menus (keyboard).
import { nameClusterControls } from "./names.js";

const board = document.getElementById("board");
const area = document.getElementById("clusters");

function canCluster() {
  return board.hasAttribute("data-can-cluster");
}

// Cards keep the order they were posted in (their ids), in a cluster or a column.
export function insertById(list, card) {
  const later = [...list.querySelectorAll(":scope > li[data-card]")].find(
    (other) => Number(other.dataset.card) > Number(card.dataset.card),
  );
  list.insertBefore(card, later || list.querySelector(":scope > .pending"));
}

function returnToColumn(card) {
  insertById(document.getElementById(`cards-${card.dataset.kind}`), card);
}

function newCluster(id) {
  const element = document.getElementById("cluster-template").content.firstElementChild.cloneNode(true);
  element.id = `cluster-${id}`;
  element.dataset.cluster = id;
  element.querySelector(".vote").dataset.target = `cluster:${id}`;
  element.querySelector(".summary-editor").dataset.cluster = id;
  return element;
}

function showCluster(element, cluster) {
  element.querySelector(".cluster-title").textContent = cluster.title || gettext("Untitled cluster");
  nameClusterControls(element);
  const input = element.querySelector(".rename-form input");
  if (document.activeElement !== input) input.value = cluster.title;
  const editor = element.querySelector(".summary-editor");
  if (!editor.dataset.dirty && Number(editor.dataset.version) <= cluster.key_points_version) {
    editor.dataset.version = cluster.key_points_version;
    editor.elements.text.value = cluster.key_points;
    element.querySelector(".key-points-text").innerText = cluster.key_points;
  }
}

export function applyLayout(layout) {
  const wanted = new Set(layout.clusters.map((cluster) => cluster.id));
  for (const element of [...area.querySelectorAll(".cluster")]) {
    if (wanted.has(Number(element.dataset.cluster))) continue;
    for (const card of [...element.querySelectorAll("li[data-card]")]) returnToColumn(card);
    element.remove();
  }
  const placed = new Set();
  for (const cluster of layout.clusters) {
    const element = document.getElementById(`cluster-${cluster.id}`) || newCluster(cluster.id);
    showCluster(element, cluster);
    area.append(element);
    const list = element.querySelector(".cluster-cards");
    for (const id of cluster.card_ids) {
      const card = document.getElementById(`card-${id}`);
      if (card) insertById(list, card);
      placed.add(id);
    }
  }
  for (const card of [...area.querySelectorAll("li[data-card]")]) {
    if (!placed.has(Number(card.dataset.card))) returnToColumn(card);
  }
  markDraggable();
}

export function markDraggable() {
  for (const card of board.querySelectorAll("li[data-card]")) card.draggable = canCluster();
}

function clusterOf(card) {
  const cluster = card.closest(".cluster");
  return cluster ? Number(cluster.dataset.cluster) : null;
}

function clusters() {
  return [...area.querySelectorAll(".cluster")].map((element) => ({
    id: Number(element.dataset.cluster),
    title: element.querySelector(".cluster-title").textContent,
  }));
}

// A menu closes once its choice is made, and focus goes back to where it opened.
function closeMenu(element) {
  const menu = element.closest("details");
  if (!menu) return;
  menu.open = false;
  menu.querySelector("summary").focus();
}

function menuButton(label, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.addEventListener("click", () => {
    closeMenu(button);
    onClick();
  });
  return button;
}

export function initClustering(send, newOpId) {
  const op = (type, fields) => send({ type, op_id: newOpId(), ...fields });
  const moveCard = (cardId, clusterId) => op("card.move", { card_id: cardId, cluster_id: clusterId });
  const startCluster = (cardIds) => op("cluster.create", { card_ids: cardIds, title: "" });

  // "Move to…" on a card: its choices are the clusters there are when it opens.
  board.addEventListener("toggle", (event) => {
    const menu = event.target;
    if (!menu.open) return;
    if (menu.matches(".card-menu")) fillCardMenu(menu);
    if (menu.matches(".cluster-menu")) fillMergeTargets(menu);
  }, true);

  function fillCardMenu(menu) {
    const card = menu.closest("li[data-card]");
    const cardId = Number(card.dataset.card);
    const current = clusterOf(card);
    const items = menu.querySelector(".menu");
    items.replaceChildren(
      ...clusters()
        .filter((cluster) => cluster.id !== current)
        .map((cluster) => menuButton(cluster.title, () => moveCard(cardId, cluster.id))),
      menuButton(gettext("A new cluster"), () => startCluster([cardId])),
    );
    if (current !== null) items.append(menuButton(gettext("Out of any cluster"), () => moveCard(cardId, null)));
  }

  function fillMergeTargets(menu) {
    const id = Number(menu.closest(".cluster").dataset.cluster);
    const targets = menu.querySelector(".merge-targets");
    const label = document.createElement("p");
    label.textContent = gettext("Merge into:");
    targets.replaceChildren(
      label,
      ...clusters()
        .filter((cluster) => cluster.id !== id)
        .map((cluster) => {
          const button = menuButton(cluster.title, () => op("cluster.merge", { cluster_id: id, into_id: cluster.id }));
          button.setAttribute("aria-label", interpolate(gettext("Merge into: %(cluster)s"), { cluster: cluster.title }, true));
          return button;
        }),
    );
  }

  board.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches(".rename-form")) return;
    event.preventDefault();
    const id = Number(form.closest(".cluster").dataset.cluster);
    op("cluster.rename", { cluster_id: id, title: form.elements.title.value });
    closeMenu(form);
  });

  board.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action^='cluster.']");
    if (!button) return;
    const element = button.closest(".cluster");
    const position = [...area.querySelectorAll(".cluster")].indexOf(element) + 1;
    const to = button.dataset.action === "cluster.up" ? position - 1 : position + 1;
    if (to >= 1) op("cluster.reorder", { cluster_id: Number(element.dataset.cluster), position: to });
  });

  // Drag a card onto a card (same cluster, or a new one of the two), a cluster, the
  // new-cluster zone, or a column (out of its cluster).
  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest?.("li[data-card]");
    if (!card || !canCluster()) return;
    event.dataTransfer.setData("text/plain", card.dataset.card);
    event.dataTransfer.effectAllowed = "move";
  });
  board.addEventListener("dragover", (event) => {
    if (canCluster() && event.target.closest("[data-drop], li[data-card]")) event.preventDefault();
  });
  board.addEventListener("drop", (event) => {
    const cardId = Number(event.dataTransfer.getData("text/plain"));
    if (!cardId || !canCluster()) return;
    event.preventDefault();
    const target = event.target.closest("li[data-card]");
    if (target && Number(target.dataset.card) !== cardId) {
      const cluster = clusterOf(target);
      if (cluster !== null) moveCard(cardId, cluster);
      else startCluster([Number(target.dataset.card), cardId]);
      return;
    }
    const zone = event.target.closest("[data-drop]");
    if (!zone) return;
    if (zone.dataset.drop === "cluster") moveCard(cardId, Number(zone.dataset.cluster));
    else if (zone.dataset.drop === "new") startCluster([cardId]);
    else if (zone.dataset.drop === "out") moveCard(cardId, null);
  });

  markDraggable();
}
