// The author workspace, improved when JavaScript runs (it works without): following a
// checklist item to a field, or opening the editor at one (#id_…), puts the cursor in it.
(function () {
  "use strict";

  function fieldFor(hash) {
    if (!hash || hash.indexOf("#id_") !== 0) return null;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    return target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) ? target : null;
  }

  function focusField(field) {
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".checklist a") : null;
    if (!link || link.pathname !== window.location.pathname) return;
    var field = fieldFor(link.hash);
    if (!field) return;
    event.preventDefault();
    history.replaceState(null, "", link.hash);
    focusField(field);
  });

  var initial = fieldFor(window.location.hash);
  if (initial) focusField(initial);
})();
