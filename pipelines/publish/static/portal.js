/* The portal's language switch, inlined into <head> by portal.py (pinned by its CSP hash).
 * It applies the stored language before the body is drawn (no flash of the other one), then wires
 * #lang-switch once the document is parsed. localStorage can throw (private mode, file:// in some
 * browsers); the page then just does not remember the choice. Without JavaScript the page is Indonesian. */
(function () {
  var KEY = "sentra.lang";
  var root = document.documentElement;
  function apply(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang);
    document.title = root.getAttribute("data-title-" + lang) || document.title;
    var button = document.getElementById("lang-switch");
    if (button) { button.setAttribute("aria-pressed", lang === "en" ? "true" : "false"); }
  }
  var saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
  apply(saved === "en" ? "en" : "id");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("lang-switch");
    apply(root.getAttribute("data-lang"));
    button.addEventListener("click", function () {
      var next = root.getAttribute("data-lang") === "en" ? "id" : "en";
      apply(next);
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* not remembered */ }
    });
  });
})();
