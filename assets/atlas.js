// Clientside callbacks of Cluster Atlas (no network, no state beyond the page).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    // Show or hide the filter panel on small screens (it is always shown on wide ones).
    toggleFilters: function (nClicks, className) {
      const classes = (className || "").split(" ").filter(Boolean);
      const open = classes.includes("open");
      return classes.filter((c) => c !== "open").concat(open ? [] : ["open"]).join(" ");
    },
  },
});
