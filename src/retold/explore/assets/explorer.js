// retold explorer: claim details on focus or hover, j/k to move between claims.
(function () {
  "use strict";
  var node = document.getElementById("data");
  if (!node) { return; }
  var data = JSON.parse(node.textContent);
  var panel = document.getElementById("details");
  var handles = Array.prototype.slice.call(document.querySelectorAll("mark.claim[tabindex]"));

  function text(tag, content, cls) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (cls) { el.className = cls; }
    return el;
  }
  function name(id) { return data.names[id] || id; }

  function show(claimId) {
    var info = data.claims[claimId];
    if (!info) { return; }
    var row = info.row;
    panel.innerHTML = "";
    panel.setAttribute("data-claim-id", claimId);
    panel.appendChild(text("h2", claimId));
    var stance = text("p", row.stance, "claim stance-" + row.stance);
    stance.setAttribute("data-role", "stance");
    panel.appendChild(stance);
    panel.appendChild(text("p", "cluster: " + row.cluster_id, "cluster"));
    panel.appendChild(text("p", info.proposition, "proposition"));
    var chain = row.source_chain.length ? row.source_chain.map(name).join(" → ") : "the author";
    panel.appendChild(text("p", "chain: " + chain, "chain"));
    if (info.parent) { panel.appendChild(text("p", "nested in claim " + info.parent + " (its parent)", "nesting")); }
    if (info.inside.length) { panel.appendChild(text("p", "inside claim " + info.inside.join(", "), "nesting")); }
    if (info.contains.length) { panel.appendChild(text("p", "contains claim " + info.contains.join(", "), "nesting")); }
    if (info.others.length) {
      panel.appendChild(text("p", "other mentions of this proposition:"));
      var list = document.createElement("ul");
      info.others.forEach(function (o) {
        var li = document.createElement("li");
        var a = text("a", o[0] + " · " + o[1] + " (" + o[2] + ")");
        a.href = "doc-" + o[0] + ".html#focus=" + o[1];
        li.appendChild(a);
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
    var table = document.createElement("table");
    Object.keys(row).sort().forEach(function (key) {
      var tr = document.createElement("tr");
      tr.appendChild(text("th", key));
      var value = row[key];
      tr.appendChild(text("td", typeof value === "object" ? JSON.stringify(value) : String(value)));
      table.appendChild(tr);
    });
    panel.appendChild(table);
  }

  document.querySelectorAll("mark.claim").forEach(function (mark) {
    var id = mark.getAttribute("data-claim-id");
    mark.addEventListener("mouseenter", function (event) { event.stopPropagation(); show(id); });
    mark.addEventListener("focus", function () { show(id); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "j" && event.key !== "k") { return; }
    // Ctrl+J, Cmd+K, Alt+J ... belong to the browser and the system, not to the page.
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var index = handles.indexOf(document.activeElement);
    var next = event.key === "j" ? index + 1 : index - 1;
    if (index < 0) { next = event.key === "j" ? 0 : handles.length - 1; }
    if (next >= 0 && next < handles.length) {
      handles[next].focus();
      event.preventDefault();
    }
  });

  // "#focus=<claim id>" focuses a claim (and shows its details) without a jump when it
  // is already on screen; a plain "#<claim id>" is an ordinary anchor. Checked on load and
  // on every hash change, so an "other mention" link within the same page moves the focus
  // and the details panel too, not only the URL.
  function focusFromHash() {
    var match = /^#focus=(.+)$/.exec(window.location.hash);
    if (!match) { return; }
    var target = document.getElementById(decodeURIComponent(match[1]));
    if (target && target.matches("mark.claim")) {
      var box = target.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) { target.scrollIntoView({block: "center"}); }
      target.focus({preventScroll: true});
      show(target.getAttribute("data-claim-id"));
    }
  }
  window.addEventListener("hashchange", focusFromHash);
  focusFromHash();
}());
