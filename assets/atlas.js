// Clientside callbacks and keyboard handling of Cluster Atlas (no network, no state beyond
// the page). Component ids are those of layouts/ids.py.
const ATLAS_TABLE = "cluster-table";
const ATLAS_TABLE_SORT = "table-sort";

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    // Show or hide the filter panel on small screens (it is always shown on wide ones);
    // "Show the results" closes it.
    toggleFilters: function (toggleClicks, doneClicks, className) {
      const classes = (className || "").split(" ").filter(Boolean);
      const done = dash_clientside.callback_context.triggered_id === "filter-done";
      const open = classes.includes("open") || done;
      return classes.filter((c) => c !== "open").concat(open ? [] : ["open"]).join(" ");
    },
    // Plotly sizes a graph when it is drawn: after a view switch, let every graph measure
    // its (now visible) box again.
    remeasure: function () {
      window.setTimeout(() => window.dispatchEvent(new Event("resize")), 50);
      return window.dash_clientside.no_update;
    },
    // A view's copy of the URL search (store "<tab>-search", layouts/ids.py VIEW_SEARCH):
    // passed on only when the link asks for that view, so hidden views send no request.
    viewSearch: function (search, storeId) {
      const tab = storeId.replace(/-search$/, "");
      const asked = new URLSearchParams(search || "").getAll("tab");
      return asked.some((value) => value.trim().toLowerCase() === tab)
        ? search || ""
        : window.dash_clientside.no_update;
    },
    // The link of the page as it is now (filters, view, open profile).
    pageLink: function () {
      return window.location.href;
    },
    // The table shows a new set of rows: apply the state's sort (from the URL) to the
    // column headers, and reload the rows from the server.
    reloadGrid: function (key, gridId) {
      dash_ag_grid.getApiAsync(gridId).then((api) => {
        const wanted = new URLSearchParams(window.location.search).get("sort") || "";
        const column = wanted.replace(/^-/, "");
        const sort = wanted.startsWith("-") ? "desc" : "asc";
        const current = api.getColumnState().find((c) => c.sort);
        const same = current ? current.colId === column && current.sort === sort : !column;
        if (same) {
          api.purgeInfiniteCache();
        } else {
          // A new sort reloads the rows by itself: one request, not two.
          const state = column ? [{ colId: column, sort: sort }] : [];
          api.applyColumnState({ state: state, defaultState: { sort: null } });
        }
      });
      return window.dash_clientside.no_update;
    },
  },
});

// A sort chosen by clicking a column header goes to the page state (the server sorts).
// Sorts applied from the URL come with another source and are not echoed back.
function atlasWatchGrid() {
  if (!window.dash_ag_grid || !document.getElementById(ATLAS_TABLE)) {
    return false;
  }
  dash_ag_grid.getApiAsync(ATLAS_TABLE).then((api) => {
    api.addEventListener("sortChanged", (event) => {
      if (event.source !== "uiColumnSorted") return;
      const sorted = api.getColumnState().find((c) => c.sort);
      const sort = sorted ? (sorted.sort === "desc" ? "-" : "") + sorted.colId : "";
      dash_clientside.set_props(ATLAS_TABLE_SORT, { data: sort });
    });
    // Enter on a row opens the cluster's profile, like a click.
    api.addEventListener("cellKeyDown", (event) => {
      if (event.event && event.event.key === "Enter" && event.node && event.node.id) {
        dash_clientside.set_props(ATLAS_TABLE, {
          cellClicked: { rowId: event.node.id, colId: event.column.getColId(),
                         rowIndex: event.rowIndex, value: event.value, timestamp: Date.now() },
        });
      }
    });
  });
  return true;
}

(function waitForGrid() {
  if (!atlasWatchGrid()) setTimeout(waitForGrid, 200);
})();

// Dash 4's dropdown puts keyboard focus on a hidden helper input (aria-hidden, so screen
// readers announce nothing) and names its button after the chosen values only. Move the
// focus to the button and name it after its <label> too ("Country: Any").
function atlasLabelDropdowns() {
  document.querySelectorAll(".dash-dropdown-wrapper").forEach((wrapper) => {
    const helper = wrapper.querySelector(".dash-dropdown-focus-target");
    const button = wrapper.querySelector("button.dash-dropdown");
    if (!helper || !button) return;
    if (helper.tabIndex !== -1) helper.tabIndex = -1;
    if (button.tabIndex !== 0) button.tabIndex = 0;
    const label = document.querySelector(`label[for="${CSS.escape(button.id)}"]`);
    if (label) {
      label.id = label.id || `${button.id}-label`;
      const names = (button.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
      if (!names.includes(label.id)) {
        button.setAttribute("aria-labelledby", [label.id, ...names].join(" "));
      }
    }
  });
}
// dcc.Upload's file input has no name of its own: name it after the drop zone.
function atlasLabelUpload() {
  const input = document.querySelector("#upload input[type=file]");
  if (input && !input.hasAttribute("aria-label")) {
    input.setAttribute("aria-label", "Choose a file of cluster organisations to upload");
  }
}
new MutationObserver(() => { atlasLabelDropdowns(); atlasLabelUpload(); })
  .observe(document.documentElement, { childList: true, subtree: true });

// A printed page says where it came from: the link holds every filter and the view. Plotly
// graphs are re-measured for the paper's width before printing and for the screen after.
window.addEventListener("beforeprint", () => {
  const link = document.getElementById("print-link");
  if (link) {
    link.textContent = "Printed from " + window.location.href;
  }
  window.dispatchEvent(new Event("resize"));
});
window.addEventListener("afterprint", () => window.dispatchEvent(new Event("resize")));

// The drop zone refuses a file over the server's upload limit before sending it (the limit is
// on #upload-zone as data-max-bytes); say so instead of failing silently.
function checkUploadSize(files) {
  const zone = document.getElementById("upload-zone");
  const message = document.getElementById("upload-message");
  const file = files && files[0];
  if (!zone || !message || !file) return;
  if (file.size > Number(zone.dataset.maxBytes)) {
    const mb = (file.size / 1048576).toFixed(1);
    message.textContent = `${file.name} is ${mb} MB, over the upload limit of ` +
      `${zone.dataset.maxMb} MB; nothing was sent. Use the command line for larger files ` +
      "(python -m data.ingest) or ask for a higher --max-upload-mb.";
  }
}
document.addEventListener("change", (event) => {
  if (event.target.closest && event.target.closest("#upload-zone")) {
    checkUploadSize(event.target.files);
  }
}, true);
document.addEventListener("drop", (event) => {
  if (event.target.closest && event.target.closest("#upload-zone")) {
    checkUploadSize(event.dataTransfer && event.dataTransfer.files);
  }
}, true);
