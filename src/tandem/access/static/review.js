// Reviewer page keys: j/k move, x selects, a keep, r revoke, d reduce (decision for the selected rows), / comment.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-item]"));
  var at = 0;
  function focus(i) {
    if (!rows.length) { return; }
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, n) { r.classList.toggle("current", n === at); });
    rows[at].scrollIntoView({ block: "nearest" });
    rows[at].querySelector("input[type=checkbox]").focus();
  }
  function decide(value) {
    var boxes = form.querySelectorAll("input[name=item]:checked");
    if (!boxes.length && rows.length) { rows[at].querySelector("input[type=checkbox]").checked = true; }
    form.querySelector("button[value=" + value + "]").click();
  }
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "TEXTAREA" || e.target.tagName === "SELECT" || e.ctrlKey || e.metaKey || e.altKey) { return; }
    // A Map, not an object literal: a key name can never reach Object.prototype members.
    var keys = new Map([["j", function () { focus(at + 1); }], ["k", function () { focus(at - 1); }],
      ["x", function () { var b = rows[at].querySelector("input[type=checkbox]"); b.checked = !b.checked; }],
      ["a", function () { decide("keep"); }], ["r", function () { decide("revoke"); }], ["d", function () { decide("reduce"); }],
      ["/", function () { document.getElementById("comment").focus(); }]]);
    var action = keys.get(e.key);
    if (action) { e.preventDefault(); action(); }
  });
  var all = document.getElementById("select-all");
  if (all) { all.addEventListener("change", function () { rows.forEach(function (r) { r.querySelector("input[type=checkbox]").checked = all.checked; }); }); }
  focus(0);
})();
