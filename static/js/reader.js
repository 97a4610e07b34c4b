// The reader page, improved when JavaScript runs (it works without):
// - choosing an audience shows that version at once and keeps the reader where they were;
// - "Back to text" returns to the citation the reader followed, not the first one.
(function () {
  "use strict";
  var SCROLL_KEY = "imprimatur:audience-scroll";

  var form = document.querySelector(".audience-form");
  if (form) {
    form.classList.add("switches-on-change");
    form.addEventListener("change", function (event) {
      if (event.target.name !== "audience") return;
      try {
        sessionStorage.setItem(SCROLL_KEY, String(window.scrollY));
      } catch (error) { /* private mode: the page still switches */ }
      form.submit();
    });
  }
  try {
    var kept = sessionStorage.getItem(SCROLL_KEY);
    if (kept !== null) {
      sessionStorage.removeItem(SCROLL_KEY);
      window.scrollTo(0, parseInt(kept, 10) || 0);
    }
  } catch (error) { /* nothing kept */ }

  var followed = {};  // reference number -> the citation link the reader came from
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a") : null;
    if (!link) return;
    var href = link.getAttribute("href") || "";
    if (link.classList.contains("citation")) {
      followed[href.replace("#ref-", "")] = link;
      return;
    }
    if (link.classList.contains("backlink")) {
      var item = link.closest("[id^='ref-']");
      var origin = item && followed[item.id.replace("ref-", "")];
      // Nothing followed, or the first citation (the link's own target): the default.
      if (!origin || (origin.id && "#" + origin.id === link.getAttribute("href"))) return;
      event.preventDefault();
      origin.scrollIntoView({ block: "center" });
      origin.focus();
    }
  });
})();
